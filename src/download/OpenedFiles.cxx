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
        auto details = storage.OpenFile(*record, identity);
        if (!details)
            details = store::FileDetails{id, {}, {}, 0};
        files.push_back({std::move(*record), std::move(details->name), std::move(details->type),
                         std::move(details->sha256), details->crc32});
    }
    return files;
}

} // namespace sealpost::download
