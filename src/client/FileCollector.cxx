#include "client/FileCollector.hxx"
#include "client/ClientError.hxx"

#include <algorithm>
#include <filesystem>
#include <set>

namespace sealpost::client {

namespace fs = std::filesystem;

namespace {

void AddFile(const fs::path& path, std::string name, std::vector<LocalFile>& out) {
    std::error_code error;
    const auto status = fs::status(path, error);
    if (error || !fs::is_regular_file(status))
        throw ClientError(kExitUsage, "not a regular file: " + path.string());
    const auto size = fs::file_size(path, error);
    if (error)
        throw ClientError(kExitFailure, "cannot read " + path.string() + ": " + error.message());
    out.push_back({path, std::move(name), size});
}

} // namespace

std::vector<LocalFile> FileCollector::Collect(const std::vector<std::string>& arguments) {
    std::vector<LocalFile> files;
    for (const std::string& argument : arguments) {
        fs::path path(argument);
        std::error_code error;
        if (!fs::exists(path, error))
            throw ClientError(kExitUsage, "no such file or directory: " + argument);
        if (!fs::is_directory(path, error)) {
            AddFile(path, path.filename().string(), files);
            continue;
        }
        // A directory's files are named relative to its parent: "dir/sub/file".
        fs::path normal = path.lexically_normal();
        if (normal.filename().empty())
            normal = normal.parent_path();
        fs::path root = fs::absolute(normal, error).lexically_normal();
        const std::string top = root.filename().string();
        std::vector<LocalFile> found;
        for (auto it = fs::recursive_directory_iterator(
                 root, fs::directory_options::follow_directory_symlink, error);
             !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
            if (it->is_directory())
                continue;
            const fs::path relative = it->path().lexically_relative(root);
            AddFile(it->path(),
                    (top.empty() ? relative : fs::path(top) / relative).generic_string(), found);
        }
        if (error)
            throw ClientError(kExitFailure,
                              "cannot read the directory " + argument + ": " + error.message());
        std::sort(found.begin(), found.end(),
                  [](const LocalFile& a, const LocalFile& b) { return a.name < b.name; });
        files.insert(files.end(), found.begin(), found.end());
    }
    if (files.empty())
        throw ClientError(kExitUsage, "no files to send");
    std::set<std::string> names;
    for (const LocalFile& file : files)
        if (!names.insert(file.name).second)
            throw ClientError(kExitUsage, "two files would have the name " + file.name);
    return files;
}

std::string FileCollector::Describe(const std::vector<LocalFile>& files) {
    std::string out;
    for (const LocalFile& file : files) {
        std::error_code error;
        const auto modified = fs::last_write_time(file.path, error);
        out += file.name + '\0' + std::to_string(file.size) + '\0' +
               std::to_string(modified.time_since_epoch().count()) + '\0' +
               fs::absolute(file.path, error).string() + '\n';
    }
    return out;
}

} // namespace sealpost::client
