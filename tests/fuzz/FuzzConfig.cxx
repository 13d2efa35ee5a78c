// libFuzzer target: the TOML configuration (config/LoadConfig.hxx) from text.
// Invariant: any text either loads or is refused with a ConfigError; no other
// exception and no crash, whatever the syntax, types, sizes or durations.
#include "FuzzCheck.hxx"
#include "config/ConfigError.hxx"
#include "config/LoadConfig.hxx"

using namespace sealpost;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        (void)LoadConfigFromString(text, "fuzz.toml");
    } catch (const ConfigError& e) {
        FUZZ_CHECK(e.what()[0] != '\0');
    }
    return 0;
}
