#include "zip/DosDateTime.hxx"

#include <chrono>

namespace sealpost {

namespace {

// 1980-01-01T00:00:00Z and 2107-12-31T23:59:59Z.
constexpr std::int64_t dos_epoch = 315532800;
constexpr std::int64_t dos_last = 4354819199;

} // namespace

DosDateTime ToDosDateTime(std::int64_t unix_seconds) noexcept {
    using namespace std::chrono;
    if (unix_seconds < dos_epoch)
        unix_seconds = dos_epoch;
    if (unix_seconds > dos_last)
        unix_seconds = dos_last;

    const sys_seconds point{seconds{unix_seconds}};
    const auto day = floor<days>(point);
    const year_month_day ymd{day};
    const hh_mm_ss hms{point - day};

    const auto year = static_cast<unsigned>(static_cast<int>(ymd.year()) - 1980);
    return DosDateTime{
        .date = static_cast<std::uint16_t>(year << 9 | static_cast<unsigned>(ymd.month()) << 5 |
                                           static_cast<unsigned>(ymd.day())),
        .time = static_cast<std::uint16_t>(hms.hours().count() << 11 | hms.minutes().count() << 5 |
                                           hms.seconds().count() / 2),
    };
}

} // namespace sealpost
