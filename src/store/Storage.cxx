#include "store/FileIo.hxx"
#include "store/Storage.hxx"
#include "age/BlobStart.hxx"
#include "age/Chunk.hxx"
#include "crypto/PasswordKek.hxx"
#include "crypto/SealedMetadata.hxx"
#include "crypto/ServerKey.hxx"
#include "crypto/TransferKeys.hxx"
#include "crypto/WrapContext.hxx"
#include "lib/uv/Timer.hxx"
#include "lib/uv/Work.hxx"
#include "log/Log.hxx"
#include "store/Ids.hxx"
#include "store/LocalBlobStore.hxx"
#include "store/TransferRecipient.hxx"
#include "util/Time.hxx"

#include <charconv>
#include <stdexcept>

namespace sealpost::store {
namespace {

// Seals a whole small plaintext (the confidential message) into a new,
// complete blob. Blocking. The message keeps no digest (a digest of a short
// text would let anyone holding the folder test guesses).
FileRecord WriteSmallBlob(const BlobStore& blobs, const TransferRecord& t, std::string_view text) {
    FileRecord file;
    file.id = NewId();
    file.transfer_id = t.id;
    file.size = text.size();
    file.created_at = UnixNow();
    UniqueFd fd = blobs.CreatePart(file.id);
    const auto start = age::StartBlob(RecipientOf(t));
    WriteAt(fd.get(), std::span(reinterpret_cast<const std::uint8_t*>(start.prefix.data()),
                                           start.prefix.size()),
                       0);
    file.chunks_offset = start.ChunksOffset();
    const age::BlobLayout layout(file.chunks_offset, file.size);
    std::vector<std::uint8_t> sealed(age::kSealedChunkSize);
    const auto* data = reinterpret_cast<const std::uint8_t*>(text.data());
    for (std::uint64_t i = 0; i < layout.ChunkCount(); ++i) {
        const std::size_t n = layout.ChunkPlainSize(i);
        const auto rc = age::SealChunk(start.payload_key, i, layout.IsLast(i),
                                       std::span(data + i * age::kChunkSize, n),
                                       std::span(sealed).first(n + age::kChunkTagSize));
        if (rc != age::AgeErrc::ok)
            throw std::runtime_error("sealing failed");
        WriteAt(fd.get(), std::span(sealed).first(n + age::kChunkTagSize),
                           layout.ChunkOffset(i));
    }
    DataSync(fd.get());
    blobs.Commit(file.id);
    file.offset = file.size;
    file.complete = true;
    return file;
}

} // namespace

age::AgeRecipient RecipientOf(const TransferRecord& t) {
    auto recipient = age::AgeRecipient::FromString(t.public_key);
    if (!recipient)
        throw std::runtime_error("transfer has no valid public key");
    return *recipient;
}

Bytes SealDigest(const age::AgeRecipient& recipient, std::string_view transfer_id,
                 std::string_view file_id, std::string_view sha256_hex, std::uint32_t crc32) {
    std::string text(sha256_hex);
    text += ' ';
    text += std::to_string(crc32);
    return crypto::SealedMetadata::Seal(
        recipient, crypto::WrapContext(crypto::purpose::kFileDigest, {transfer_id, file_id}), text);
}

TransferStatus StatusAfter(DeletionReason reason) noexcept {
    switch (reason) {
    case DeletionReason::revoked:
        return TransferStatus::revoked;
    case DeletionReason::expired:
    case DeletionReason::abandoned:
        return TransferStatus::expired;
    case DeletionReason::attempts:
    case DeletionReason::admin:
        return TransferStatus::deleted;
    }
    return TransferStatus::deleted;
}

namespace {
constexpr std::pair<DeletionReason, std::string_view> kReasonNames[] = {
    {DeletionReason::revoked, "revoked"},   {DeletionReason::expired, "expired"},
    {DeletionReason::abandoned, "abandoned"}, {DeletionReason::attempts, "attempts"},
    {DeletionReason::admin, "admin"},
};
} // namespace

std::string_view ToString(DeletionReason reason) noexcept {
    for (const auto& [r, name] : kReasonNames)
        if (r == reason)
            return name;
    return "admin";
}

std::optional<DeletionReason> DeletionReasonFrom(std::string_view name) noexcept {
    for (const auto& [r, text] : kReasonNames)
        if (text == name)
            return r;
    return std::nullopt;
}

Storage::Storage(uv_loop_s* loop, StorageOptions options)
    : loop_(loop), options_(std::move(options)),
      server_key_(std::make_unique<crypto::ServerKey>(
          crypto::ServerKey::LoadOrCreate(options_.data_dir / "keys" / "server.key"))),
      wraps_(options_.data_dir / "keys" / "wraps"),
      index_(std::make_unique<LmdbIndex>(options_.data_dir / "index", wraps_)),
      blobs_(std::make_unique<LocalBlobStore>(options_.data_dir / "blobs")), grants_(index_->env(), wraps_),
      quick_(index_->env(), wraps_),
      kdf_(loop, options_.max_parallel_kdf, options_.max_queued_kdf),
      segment_pool_(
          std::make_shared<SegmentPool>(UploadSession::kBufferBytes, options_.upload_buffers)),
      upload_commits_(std::make_shared<UploadCommits>(loop, *index_, *blobs_)) {}

Storage::~Storage() = default;

// --- transfers ------------------------------------------------------------------

TransferRecord Storage::CreateTransfer(const NewTransfer& request) {
    TransferRecord t;
    t.id = NewId();
    t.status = TransferStatus::open;
    t.sender = request.sender;
    for (const auto& [email, kind] : request.recipients)
        t.recipients.push_back({email, kind, NewId(), 0, 0});
    t.created_at = UnixNow();
    t.expires_at = t.created_at + request.retention_seconds;
    t.upload_deadline = std::min(t.expires_at, t.created_at + options_.upload_expiry_seconds);
    const auto keys = crypto::TransferKeys::Generate();
    t.public_key = keys.Recipient().ToString();
    t.max_size = request.max_size ? std::min(request.max_size, options_.max_transfer_size)
                                  : options_.max_transfer_size;
    t.options = request.options;
    // QUICK: the shared key each recipient's W_q[B] goes under.
    std::vector<crypto::SymmetricKey> shared(t.recipients.size());
    if (request.quick_browser) {
        for (std::size_t i = 0; i < t.recipients.size(); ++i) {
            auto& r = t.recipients[i];
            auto key = quick_.KeyForSending(*request.quick_browser, t.sender, r.email, t.created_at);
            r.quick_key_id = key.key_id;
            r.quick_invitation = !key.connected;
            shared[i] = std::move(key.key);
            if (r.quick_invitation && request.password.empty())
                throw QuickPasswordNeeded("a recipient is not connected by QUICK");
        }
    }
    if (request.password.empty() && !request.quick_browser)
        throw std::invalid_argument("a transfer needs a password or QUICK");
    t.options["quick_only"] = request.password.empty();
    wraps_.Put(t.id, WrapKind::upload, keys.WrapForServer(*server_key_, t.id));
    if (!request.password.empty()) {
        const crypto::KdfParams params{options_.kdf_opslimit, options_.kdf_memlimit};
        const auto kek = crypto::PasswordKek::Derive(request.password, params);
        wraps_.Put(t.id, WrapKind::password, keys.WrapWithPassword(kek, t.id));
        for (std::size_t i = 0; i < t.recipients.size(); ++i)
            if (t.recipients[i].quick_invitation)
                wraps_.Put(t.recipients[i].download_id, WrapKind::invitation,
                           kek.Wrap({crypto::purpose::kQuickInvitation,
                                     {t.id, t.recipients[i].email}},
                                    shared[i].Span()));
    }
    for (std::size_t i = 0; i < t.recipients.size(); ++i)
        if (!t.recipients[i].quick_key_id.empty())
            wraps_.Put(t.recipients[i].download_id, WrapKind::quick,
                       keys.WrapForQuick(shared[i], t.id, t.recipients[i].email));
    std::optional<FileRecord> message;
    if (request.message) {
        message = WriteSmallBlob(*blobs_, t, *request.message);
        t.message_file_id = message->id;
    }
    index_->CreateTransfer(t, message);
    return t;
}

Identity Storage::OpenWithQuick(const TransferRecord& t, const RecipientRecord& r,
                                const QuickBrowser& browser) const {
    if (r.quick_key_id.empty())
        return nullptr;
    const auto shared = quick_.Open(browser, r.email, t.sender, r.quick_key_id);
    if (!shared)
        return nullptr;
    const auto w_q = wraps_.Get(r.download_id, WrapKind::quick);
    if (!w_q)
        return nullptr;
    auto keys = crypto::TransferKeys::OpenWithQuick(*shared, t.id, r.email, *w_q);
    if (!keys)
        return nullptr;
    return std::make_shared<const age::AgeIdentity>(keys->Identity().Clone());
}

Identity Storage::UploadIdentity(const std::string& transfer_id) const {
    if (const auto w_up = wraps_.Get(transfer_id, WrapKind::upload))
        if (auto keys = crypto::TransferKeys::OpenWithServerKey(*server_key_, transfer_id, *w_up))
            return std::make_shared<const age::AgeIdentity>(keys->Identity().Clone());
    return nullptr;
}

Storage::Submitted Storage::SubmitTransferNow(const std::string& transfer_id,
                                              bool keep_upload_wrap) {
    Submitted result;
    // sk_T through W_up, for the names in the notification: W_up goes once
    // the notices are stored (Reported), the last time anything on the server
    // can open sk_T without a password.
    result.identity = UploadIdentity(transfer_id);
    switch (index_->Submit(transfer_id, result.transfer)) {
    case Index::SubmitResult::submitted:
        result.outcome = Outcome::ok;
        break;
    case Index::SubmitResult::not_found:
        result.outcome = Outcome::not_found;
        break;
    case Index::SubmitResult::not_open:
        result.outcome = IsLive(result.transfer.status) ? Outcome::not_open : Outcome::gone;
        break;
    case Index::SubmitResult::incomplete:
        result.outcome = Outcome::incomplete;
        break;
    case Index::SubmitResult::empty:
        result.outcome = Outcome::empty;
        break;
    }
    if (result.outcome != Outcome::ok) {
        result.identity.reset();
        return result;
    }
    if (!keep_upload_wrap) {
        index_->Reported(transfer_id, kSubmitReport);
        wraps_.Destroy(transfer_id, WrapKind::upload);
    }
    return result;
}

void Storage::ReportedNow(const std::string& transfer_id, std::string_view event) {
    index_->Reported(transfer_id, event);
    if (event == kSubmitReport)
        wraps_.Destroy(transfer_id, WrapKind::upload);
}

void Storage::Reported(const std::string& transfer_id, std::string event,
                       std::function<void(bool)> done) {
    uv::QueueWork(
        loop_, [this, transfer_id, event] { ReportedNow(transfer_id, event); },
        [transfer_id, event, done = std::move(done)](std::exception_ptr error) {
            if (error)
                log::Write(log::Level::error, "report_not_recorded",
                           {{"transfer_id", transfer_id}, {"event", event}});
            if (done)
                done(!error);
        });
}

void Storage::SubmitTransfer(const std::string& transfer_id, std::function<void(Submitted)> done) {
    auto result = std::make_shared<Submitted>();
    uv::QueueWork(
        loop_, [this, result, transfer_id] { *result = SubmitTransferNow(transfer_id, true); },
        [this, result, transfer_id, done = std::move(done)](std::exception_ptr error) {
            if (error) {
                log::Write(log::Level::error, "transfer_submit_failed", {{"transfer_id", transfer_id}});
                result->outcome = Outcome::failed;
                result->identity.reset();
            }
            if (result->outcome == Outcome::ok)
                ForgetSessions(result->transfer); // every file is complete
            done(std::move(*result));
        });
}

std::optional<TransferRecord> Storage::RecordDownloadNow(const std::string& transfer_id,
                                                         const std::string& download_id,
                                                         std::int64_t now) {
    return index_->RecordDownload(transfer_id, download_id, now);
}

std::optional<TransferRecord> Storage::ClearLockNow(const std::string& transfer_id) {
    return index_->ClearLock(transfer_id);
}

std::optional<FileDetails> Storage::OpenFile(const FileRecord& file,
                                             const age::AgeIdentity& identity) const {
    auto name = crypto::SealedMetadata::Open(
        identity, crypto::WrapContext(crypto::purpose::kFileName, {file.transfer_id, file.id}),
        file.sealed_name);
    auto type = crypto::SealedMetadata::Open(
        identity, crypto::WrapContext(crypto::purpose::kContentType, {file.transfer_id, file.id}),
        file.sealed_type);
    if (!name || !type)
        return std::nullopt;
    FileDetails details{std::move(*name), std::move(*type), {}, 0};
    if (!file.sealed_digest.empty()) {
        const auto digest = crypto::SealedMetadata::Open(
            identity,
            crypto::WrapContext(crypto::purpose::kFileDigest, {file.transfer_id, file.id}),
            file.sealed_digest);
        if (!digest)
            return std::nullopt;
        const auto space = digest->find(' ');
        if (space == std::string::npos)
            return std::nullopt;
        details.sha256 = digest->substr(0, space);
        const char* first = digest->data() + space + 1;
        std::from_chars(first, digest->data() + digest->size(), details.crc32);
    }
    return details;
}

} // namespace sealpost::store
