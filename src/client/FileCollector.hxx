// FileCollector: the files `sealpost send` uploads, from its FILE and DIR
// arguments — a file under its own name, a directory recursively with names
// relative to the directory's parent ("reports/2026/a.pdf"), symbolic links to
// files followed, other special files refused. Two files with one name are a usage
// error. Main thread.
#pragma once

#include "client/TusUploader.hxx"

#include <string>
#include <vector>

namespace sealpost::client {

class FileCollector {
public:
    /// Throws ClientError (usage) for a missing path, a duplicate name, or nothing to send.
    static std::vector<LocalFile> Collect(const std::vector<std::string>& arguments);

    /// A fingerprint of the files (names, sizes, modification times) for resuming.
    static std::string Describe(const std::vector<LocalFile>& files);
};

} // namespace sealpost::client
