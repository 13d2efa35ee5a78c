#include "zip/ZipRecords.hxx"

#include "zip/DosDateTime.hxx"

#include <limits>
#include <string_view>

namespace sealpost::zip_records {

namespace {

constexpr std::uint32_t local_header_signature = 0x04034b50;
constexpr std::uint32_t central_header_signature = 0x02014b50;
constexpr std::uint32_t zip64_end_signature = 0x06064b50;
constexpr std::uint32_t zip64_locator_signature = 0x07064b50;
constexpr std::uint32_t end_signature = 0x06054b50;

constexpr std::size_t local_header_fixed = 30;
constexpr std::size_t central_header_fixed = 46;
constexpr std::size_t zip64_end_size = 56;
constexpr std::size_t zip64_locator_size = 20;
constexpr std::size_t end_size = 22;

constexpr std::uint16_t version_plain = 20; // 2.0: stored entries, UTF-8 flag
constexpr std::uint16_t version_zip64 = 45; // 4.5: ZIP64 format extensions
constexpr std::uint16_t host_unix = 3 << 8; // upper byte of "version made by"
constexpr std::uint16_t flag_utf8_name = 1 << 11;
constexpr std::uint16_t method_stored = 0;
// st_mode of a regular file with permissions 0644, in the upper 16 bits.
constexpr std::uint32_t external_attributes = 0100644u << 16;

constexpr std::uint16_t zip64_extra_id = 0x0001;
constexpr std::uint16_t timestamp_extra_id = 0x5455; // Info-ZIP "UT"
constexpr std::uint8_t timestamp_has_mtime = 0x01;
constexpr std::size_t timestamp_extra_size = 4 + 5;

/// Little-endian appender.
class Writer {
public:
    explicit Writer(std::vector<std::uint8_t>& out) noexcept : out_(out) {}

    void U8(std::uint8_t value) { out_.push_back(value); }
    void U16(std::uint16_t value) { Little(value, 2); }
    void U32(std::uint32_t value) { Little(value, 4); }
    void U64(std::uint64_t value) { Little(value, 8); }
    void Bytes(std::string_view bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }

private:
    void Little(std::uint64_t value, int count) {
        for (int i = 0; i < count; ++i)
            out_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }

    std::vector<std::uint8_t>& out_;
};

/// The 32-bit field value: the number itself, or the ZIP64 marker.
std::uint32_t Field32(std::uint64_t value) noexcept {
    return value >= max_32 ? static_cast<std::uint32_t>(max_32) : static_cast<std::uint32_t>(value);
}

bool SizeNeedsZip64(const ZipEntry& entry) noexcept {
    return entry.size >= max_32;
}

bool EntryNeedsZip64(const ZipEntry& entry, std::uint64_t local_header_offset) noexcept {
    return SizeNeedsZip64(entry) || local_header_offset >= max_32;
}

std::uint16_t VersionNeeded(bool zip64) noexcept {
    return zip64 ? version_zip64 : version_plain;
}

/// The extended timestamp holds a signed 32-bit time; outside that range the
/// DOS time alone has to do.
bool HasTimestamp(const ZipEntry& entry) noexcept {
    return entry.mtime_unix >= 0 && entry.mtime_unix <= std::numeric_limits<std::int32_t>::max();
}

/// The local header carries both sizes in its ZIP64 field, or neither.
std::size_t LocalZip64ExtraSize(const ZipEntry& entry) noexcept {
    return SizeNeedsZip64(entry) ? 4 + 16 : 0;
}

/// The central header carries only the values whose 32-bit field is the marker.
std::size_t CentralZip64ExtraSize(const ZipEntry& entry, std::uint64_t offset) noexcept {
    const std::size_t values = (SizeNeedsZip64(entry) ? 2 : 0) + (offset >= max_32 ? 1 : 0);
    return values == 0 ? 0 : 4 + 8 * values;
}

std::size_t TimestampExtraSize(const ZipEntry& entry) noexcept {
    return HasTimestamp(entry) ? timestamp_extra_size : 0;
}

void AppendTimestampExtra(Writer& w, const ZipEntry& entry) {
    if (!HasTimestamp(entry))
        return;
    w.U16(timestamp_extra_id);
    w.U16(5);
    w.U8(timestamp_has_mtime);
    w.U32(static_cast<std::uint32_t>(entry.mtime_unix));
}

/// Fields shared by local and central headers, from "version needed" through
/// the uncompressed size.
void AppendCommonFields(Writer& w, const ZipEntry& entry, bool zip64) {
    const DosDateTime dos = ToDosDateTime(entry.mtime_unix);
    w.U16(VersionNeeded(zip64));
    w.U16(flag_utf8_name);
    w.U16(method_stored);
    w.U16(dos.time);
    w.U16(dos.date);
    w.U32(entry.crc32);
    w.U32(Field32(entry.size)); // compressed size: stored, so the same
    w.U32(Field32(entry.size));
}

} // namespace

std::size_t LocalHeaderSize(const ZipEntry& entry) noexcept {
    return local_header_fixed + entry.name.size() + LocalZip64ExtraSize(entry) +
           TimestampExtraSize(entry);
}

void AppendLocalHeader(std::vector<std::uint8_t>& out, const ZipEntry& entry,
                       std::uint64_t local_header_offset) {
    Writer w{out};
    w.U32(local_header_signature);
    // A local header that needs no ZIP64 field may still belong to an entry
    // whose offset needs one; both headers then say version 4.5.
    AppendCommonFields(w, entry, EntryNeedsZip64(entry, local_header_offset));
    w.U16(static_cast<std::uint16_t>(entry.name.size()));
    w.U16(static_cast<std::uint16_t>(LocalZip64ExtraSize(entry) + TimestampExtraSize(entry)));
    w.Bytes(entry.name);
    if (SizeNeedsZip64(entry)) {
        w.U16(zip64_extra_id);
        w.U16(16);
        w.U64(entry.size);
        w.U64(entry.size);
    }
    AppendTimestampExtra(w, entry);
}

std::size_t CentralHeaderSize(const ZipEntry& entry, std::uint64_t local_header_offset) noexcept {
    return central_header_fixed + entry.name.size() +
           CentralZip64ExtraSize(entry, local_header_offset) + TimestampExtraSize(entry);
}

void AppendCentralHeader(std::vector<std::uint8_t>& out, const ZipEntry& entry,
                         std::uint64_t local_header_offset) {
    const bool zip64 = EntryNeedsZip64(entry, local_header_offset);
    const std::size_t zip64_extra = CentralZip64ExtraSize(entry, local_header_offset);

    Writer w{out};
    w.U32(central_header_signature);
    w.U16(static_cast<std::uint16_t>(host_unix | VersionNeeded(zip64)));
    AppendCommonFields(w, entry, zip64);
    w.U16(static_cast<std::uint16_t>(entry.name.size()));
    w.U16(static_cast<std::uint16_t>(zip64_extra + TimestampExtraSize(entry)));
    w.U16(0); // comment length
    w.U16(0); // disk number start
    w.U16(0); // internal attributes
    w.U32(external_attributes);
    w.U32(Field32(local_header_offset));
    w.Bytes(entry.name);
    if (zip64_extra != 0) {
        w.U16(zip64_extra_id);
        w.U16(static_cast<std::uint16_t>(zip64_extra - 4));
        // APPNOTE 4.5.3: uncompressed size, compressed size, offset, in this
        // order, each only when its 32-bit field holds the marker.
        if (SizeNeedsZip64(entry)) {
            w.U64(entry.size);
            w.U64(entry.size);
        }
        if (local_header_offset >= max_32)
            w.U64(local_header_offset);
    }
    AppendTimestampExtra(w, entry);
}

bool NeedsZip64End(const DirectoryEnd& end) noexcept {
    return end.entry_count >= max_16 || end.directory_size >= max_32 ||
           end.directory_offset >= max_32;
}

std::size_t EndRecordsSize(const DirectoryEnd& end) noexcept {
    return (NeedsZip64End(end) ? zip64_end_size + zip64_locator_size : 0) + end_size;
}

void AppendEndRecords(std::vector<std::uint8_t>& out, const DirectoryEnd& end) {
    Writer w{out};
    if (NeedsZip64End(end)) {
        const std::uint64_t zip64_end_offset = end.directory_offset + end.directory_size;
        w.U32(zip64_end_signature);
        w.U64(zip64_end_size - 12); // size of the rest of this record
        w.U16(host_unix | version_zip64);
        w.U16(version_zip64);
        w.U32(0); // this disk
        w.U32(0); // disk holding the directory
        w.U64(end.entry_count);
        w.U64(end.entry_count);
        w.U64(end.directory_size);
        w.U64(end.directory_offset);

        w.U32(zip64_locator_signature);
        w.U32(0); // disk holding the ZIP64 end record
        w.U64(zip64_end_offset);
        w.U32(1); // total number of disks
    }
    const auto count16 =
        static_cast<std::uint16_t>(end.entry_count >= max_16 ? max_16 : end.entry_count);
    w.U32(end_signature);
    w.U16(0); // this disk
    w.U16(0); // disk holding the directory
    w.U16(count16);
    w.U16(count16);
    w.U32(Field32(end.directory_size));
    w.U32(Field32(end.directory_offset));
    w.U16(0); // comment length
}

} // namespace sealpost::zip_records
