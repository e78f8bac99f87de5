import Crypto
import Foundation
import PantauCore

/// Evidence files on disk, addressed by their SHA-256: the same file sent
/// twice is stored once. Layout: `DATA_DIR/evidence/ab/cd/abcd…`.
struct EvidenceStore: Sendable {
    let root: String
    let maxBytes: Int

    struct Rejection: Error, CustomStringConvertible {
        let code: String
        let message: String
        let messageID: String
        var description: String { message }
    }

    init(dataDirectory: String, maxBytes: Int) {
        root = (dataDirectory as NSString).appendingPathComponent("evidence")
        self.maxBytes = maxBytes
    }

    func path(for sha256: String) -> String {
        let a = sha256.prefix(2), b = sha256.dropFirst(2).prefix(2)
        return "\(root)/\(a)/\(b)/\(sha256)"
    }

    /// Why a file cannot be evidence, or nil when it can.
    func check(_ bytes: [UInt8]) -> Rejection? {
        if bytes.isEmpty {
            return Rejection(code: "empty_file", message: "The evidence file is empty.", messageID: "Berkas bukti kosong.")
        }
        if bytes.count > maxBytes {
            return Rejection(code: "file_too_large", message: "Evidence files may be at most \(maxBytes / 1024 / 1024) MiB.",
                             messageID: "Berkas bukti paling besar \(maxBytes / 1024 / 1024) MiB.")
        }
        if EvidenceType.sniff(bytes) == nil {
            return Rejection(code: "unsupported_type", message: "Evidence must be a PNG, JPEG, GIF or WebP image or a PDF.",
                             messageID: "Bukti harus berupa gambar PNG, JPEG, GIF, WebP atau PDF.")
        }
        return nil
    }

    /// Checks the content type and size, then writes the file (fsynced,
    /// atomically renamed into place) unless it is already there.
    func store(_ bytes: [UInt8]) throws -> StoredEvidence {
        if let rejection = check(bytes) { throw rejection }
        let mediaType = EvidenceType.sniff(bytes)!
        let digest = SHA256.hash(data: bytes).withUnsafeBytes { hexString($0) }
        let destination = path(for: digest)
        let fm = FileManager.default
        if !fm.fileExists(atPath: destination) {
            let directory = (destination as NSString).deletingLastPathComponent
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let temporary = destination + ".tmp-\(UUID().uuidString)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o640)
            guard fd >= 0 else { throw IntakeError(message: "cannot create evidence file") }
            var written = 0
            let ok = bytes.withUnsafeBytes { buffer -> Bool in
                while written < buffer.count {
                    let n = write(fd, buffer.baseAddress! + written, buffer.count - written)
                    if n <= 0 { return false }
                    written += n
                }
                return fsync(fd) == 0
            }
            close(fd)
            guard ok, rename(temporary, destination) == 0 else {
                unlink(temporary)
                throw IntakeError(message: "cannot write evidence file")
            }
        }
        return StoredEvidence(sha256: digest, mediaType: mediaType, size: Int64(bytes.count))
    }

    /// Metadata of an evidence file already stored (for reports that name it).
    func lookup(_ sha256: String) -> StoredEvidence? {
        let p = path(for: sha256.lowercased())
        guard let handle = FileHandle(forReadingAtPath: p) else { return nil }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 16)) ?? Data()
        guard let type = EvidenceType.sniff(Array(head)),
              let size = (try? FileManager.default.attributesOfItem(atPath: p))?[.size] as? NSNumber else { return nil }
        return StoredEvidence(sha256: sha256.lowercased(), mediaType: type, size: size.int64Value)
    }
}
