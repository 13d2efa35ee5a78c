#include "download/OpenedFiles.hxx"

#include "store/Storage.hxx"

namespace sealpost::download {

std::vector<OpenedFile> CompleteFiles(store::Storage& storage,
                                      const store::TransferRecord& transfer,
                                      const age::AgeIdentity& identity) {
    std::vector<OpenedFile> files;
    for (const auto& id : transfer.file_ids) {
        auto record = storage.index().GetFile(id);
        if (!record || !record->complete)
            continue;
        auto meta = storage.FileMetadata(*record, identity);
        OpenedFile file{std::move(*record), meta ? std::move(meta->first) : id,
                        meta ? std::move(meta->second) : std::string()};
        files.push_back(std::move(file));
    }
    return files;
}

} // namespace sealpost::download
