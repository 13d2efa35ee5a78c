// The outbox's durable state: an LMDB environment of its own (data_dir/outbox/)
// holding every message that has not yet been accepted by the transport, so
// nothing is lost across restarts. Schema version 2, five named databases:
//
//   messages  id → JSON {kind, reference, sender, recipients[], attempts,
//                        created_at, next_attempt, last_error}   (times in ms
//                        since the Unix epoch)
//   bodies    id → the rendered RFC 5322 message, exactly as it is sent; with
//             a body key (the service uses one derived from its server key)
//             stored sealed: 0x00 ‖ 24-byte nonce ‖ XChaCha20-Poly1305 of the
//             message with the id as associated data. The key is derived from
//             the server key, which sits in the same data folder: sealing keeps
//             queued mail out of a copy of the outbox alone, but whoever holds
//             the whole data folder can read every queued message. A sent
//             message is deleted from the outbox; LMDB frees its pages without
//             overwriting them, so until they are reused its sealed bytes may
//             remain in the file (opened the same way, with the server key).
//   due       big-endian u64 next_attempt ‖ id → "" (the schedule, in time order)
//   sent      id → big-endian u64 time it left the outbox (sent or given up)
//   sent_by_time  big-endian u64 time ‖ id → "" (for pruning, oldest first)
//
// Ids are 32 lower-case hex digits, from the CSPRNG or, for a message that a
// restart may queue again (the notices of a state change whose report a crash
// cut short), derived from what it reports; `sent` remembers the ids that left
// the outbox for kSentMemory, so such a message is queued once and sent once. A record never holds a
// secret: kind and reference are labels for logs (e.g. "recipient_notification"
// and a transfer id); no subject or body text outside `bodies`.
//
// Ownership: the Outbox owns its store. Threads: every method is blocking and
// may run on any thread; writes are serialised by LMDB (one writer at a time),
// reads see a consistent snapshot. The event loop thread calls none of them
// except List() (tests and administration).
#pragma once

#include "lib/lmdb/Env.hxx"
#include "lib/sodium/SecretBytes.hxx"
#include "mail/MessageTransport.hxx"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost {

struct OutboxEntry {
    std::string id;
    std::string kind;
    std::string reference;
    MailEnvelope envelope;
    unsigned attempts = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t next_attempt_ms = 0;
    std::string last_error;
};

struct OutboxDue {
    std::int64_t time_ms = 0;
    std::string id;
};

class OutboxStore {
public:
    static constexpr std::uint64_t kSchemaVersion = 2;
    /// How long the id of a message that left the outbox is remembered.
    static constexpr std::int64_t kSentMemoryMs = std::int64_t{30} * 24 * 3600 * 1000;

    /// Opens (creating and migrating) the environment in dir. Throws
    /// lmdb::Error, lmdb::SchemaError or std::filesystem::filesystem_error.
    using BodyKey = std::shared_ptr<const sodium::SecretBytes<32>>;
    /// `body_key` null: bodies are stored as they are (tests, tools).
    explicit OutboxStore(const std::filesystem::path& dir, BodyKey body_key = nullptr);

    /// A fresh id: 32 lower-case hex digits.
    static std::string NewId();

    /// Stores a new message and schedules it at entry.next_attempt_ms; false
    /// (nothing stored) when a message with this id is queued or left the
    /// outbox within kSentMemoryMs.
    bool Add(const OutboxEntry& entry, std::string_view message);

    /// Up to `limit` scheduled messages due at or before time_ms, earliest first.
    std::vector<OutboxDue> Due(std::int64_t time_ms, std::size_t limit);

    /// The earliest scheduled time, or nullopt when the outbox is empty.
    std::optional<std::int64_t> NextDue();

    struct Loaded {
        OutboxEntry entry;
        std::string message;
    };
    /// The message with its metadata; nullopt when it is gone. Throws
    /// std::runtime_error when the stored record cannot be read.
    std::optional<Loaded> Load(std::string_view id);

    /// Writes the entry's new attempts, last_error and next_attempt_ms, moving
    /// its schedule entry from previous_next_attempt_ms.
    void Reschedule(const OutboxEntry& entry, std::int64_t previous_next_attempt_ms);

    /// Removes the message, its body and its schedule entry, remembering its id.
    void Remove(std::string_view id, std::int64_t next_attempt_ms);

    /// Removes whatever is stored under id, whatever its schedule (a damaged
    /// record), remembering its id.
    void Discard(std::string_view id);

    /// Forgets the ids of messages that left the outbox before time_ms.
    void PruneSent(std::int64_t time_ms);

    /// Every message in the outbox, by id.
    std::vector<OutboxEntry> List();

private:
    BodyKey body_key_;
    lmdb::Env env_;
};

} // namespace sealpost
