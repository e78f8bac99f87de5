import CImageCheck
import Crypto
import Foundation
import PantauCore

/// Evidence files on disk, addressed by their SHA-256: the same file sent
/// twice is stored once. Layout: `DATA_DIR/evidence/ab/cd/abcd…`; files on
/// their way in stream to `DATA_DIR/evidence/incoming/` first, so nothing
/// unchecked ever sits at a content address.
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

    var incomingDirectory: String { root + "/incoming" }

    func path(for sha256: String) -> String {
        let a = sha256.prefix(2), b = sha256.dropFirst(2).prefix(2)
        return "\(root)/\(a)/\(b)/\(sha256)"
    }

    /// Why a file cannot be evidence, or nil when it can: its size, a type
    /// its first bytes name, and — since those bytes alone prove nothing —
    /// that the whole file decodes as that type (`inspect`).
    func check(_ bytes: [UInt8]) -> Rejection? {
        if bytes.isEmpty {
            return Rejection(code: "empty_file", message: "The evidence file is empty.", messageID: "Berkas bukti kosong.")
        }
        if bytes.count > maxBytes {
            return Rejection(code: "file_too_large", message: "Evidence files may be at most \(maxBytes / 1024 / 1024) MiB.",
                             messageID: "Berkas bukti paling besar \(maxBytes / 1024 / 1024) MiB.")
        }
        guard let mediaType = EvidenceType.sniff(bytes) else {
            return Rejection(code: "unsupported_type", message: "Evidence must be a PNG, JPEG, GIF or WebP image or a PDF.",
                             messageID: "Bukti harus berupa gambar PNG, JPEG, GIF, WebP atau PDF.")
        }
        switch Self.inspect(bytes, mediaType: mediaType) {
        case .whole:
            return nil
        case .tooLarge:
            return Rejection(code: "image_too_large",
                             message: "The image has more than \(EvidenceInspection.maximumPixels / 1_000_000) million pixels.",
                             messageID: "Gambar lebih dari \(EvidenceInspection.maximumPixels / 1_000_000) juta piksel.")
        case .broken:
            let name = EvidenceType.title(mediaType)
            return Rejection(code: "broken_file", message: "The file is not a whole \(name) file: it cannot be read to its end.",
                             messageID: "Berkas bukan \(name) yang utuh: isinya tidak dapat dibaca sampai akhir.")
        }
    }

    /// Decodes the file as its type: PNG and JPEG in full with libpng and
    /// libjpeg-turbo (without keeping the pixels), GIF, WebP and PDF by
    /// walking their structure (`EvidenceStructure`).
    static func inspect(_ bytes: [UInt8], mediaType: String) -> EvidenceInspection {
        var width: UInt32 = 0, height: UInt32 = 0
        let decoded: Int32
        switch mediaType {
        case "image/png":
            decoded = bytes.withUnsafeBufferPointer { pantau_png_check($0.baseAddress, $0.count, EvidenceInspection.maximumPixels, &width, &height) }
        case "image/jpeg":
            decoded = bytes.withUnsafeBufferPointer { pantau_jpeg_check($0.baseAddress, $0.count, EvidenceInspection.maximumPixels, &width, &height) }
        case "image/gif": return EvidenceStructure.gif(bytes)
        case "image/webp": return EvidenceStructure.webp(bytes)
        case "application/pdf": return EvidenceStructure.pdf(bytes)
        default: return .broken
        }
        switch decoded {
        case Int32(PANTAU_IMAGE_OK.rawValue): return .whole(width: Int(width), height: Int(height))
        case Int32(PANTAU_IMAGE_TOO_LARGE.rawValue): return .tooLarge
        default: return .broken
        }
    }

    /// Checks the bytes, then writes the file (fsynced, atomically renamed
    /// into place) unless it is already there.
    func store(_ bytes: [UInt8]) throws -> StoredEvidence {
        if let rejection = check(bytes) { throw rejection }
        let writer = try IncomingEvidence(store: self)
        do {
            try writer.write(bytes)
            return try keep(try writer.finish())
        } catch {
            writer.discard()
            throw error
        }
    }

    /// Checks a file that streamed in; on success it is ready to `keep`.
    func check(_ file: ReceivedEvidence) -> Rejection? {
        guard !file.overLimit else { return check([UInt8](repeating: 0, count: maxBytes + 1)) }
        guard let bytes = FileManager.default.contents(atPath: file.temporaryPath) else {
            return Rejection(code: "empty_file", message: "The evidence file is empty.", messageID: "Berkas bukti kosong.")
        }
        return check(Array(bytes))
    }

    /// Moves a checked file to its content address (or drops it when the
    /// same file is already there).
    func keep(_ file: ReceivedEvidence) throws -> StoredEvidence {
        guard let head = FileHandle(forReadingAtPath: file.temporaryPath).flatMap({ handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 16)
        }), let mediaType = EvidenceType.sniff(Array(head)) else {
            throw IntakeError(message: "evidence file vanished before it was kept")
        }
        let destination = path(for: file.sha256)
        let fm = FileManager.default
        if fm.fileExists(atPath: destination) {
            unlink(file.temporaryPath)
        } else {
            try fm.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            guard rename(file.temporaryPath, destination) == 0 else {
                unlink(file.temporaryPath)
                throw IntakeError(message: "cannot move evidence file into place")
            }
        }
        return StoredEvidence(sha256: file.sha256, mediaType: mediaType, size: Int64(file.size))
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

    /// Deletes a stored file (the janitor's, for evidence no report names).
    func remove(_ sha256: String) {
        unlink(path(for: sha256))
    }
}

/// A file that has streamed in, hashed on the way, waiting in `incoming/`
/// to be checked and kept (or discarded).
struct ReceivedEvidence: Sendable {
    let temporaryPath: String
    let filename: String?
    let size: Int
    let sha256: String
    /// Larger than the limit: the rest was read and dropped.
    let overLimit: Bool

    func discard() { unlink(temporaryPath) }
}

/// One file being written to `incoming/` as its bytes arrive: hashed, cut
/// off (but still counted) past the store's limit, fsynced at the end.
final class IncomingEvidence {
    private let path: String
    private let maxBytes: Int
    private var descriptor: Int32
    private var hasher = SHA256()
    private(set) var size = 0
    var filename: String?

    init(store: EvidenceStore) throws {
        try FileManager.default.createDirectory(atPath: store.incomingDirectory, withIntermediateDirectories: true)
        path = store.incomingDirectory + "/" + UUID().uuidString
        maxBytes = store.maxBytes
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o640)
        guard descriptor >= 0 else { throw IntakeError(message: "cannot create evidence file") }
    }

    func write(_ bytes: some Collection<UInt8>) throws {
        let before = size
        size += bytes.count
        guard before < maxBytes else { return }
        let kept = Array(bytes.prefix(maxBytes - before))
        hasher.update(data: kept)
        var written = 0
        try kept.withUnsafeBytes { buffer in
            while written < buffer.count {
                let n = Glibc.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard n > 0 else { throw IntakeError(message: "cannot write evidence file") }
                written += n
            }
        }
    }

    func finish() throws -> ReceivedEvidence {
        let synced = fsync(descriptor) == 0
        close(descriptor)
        descriptor = -1
        guard synced else {
            unlink(path)
            throw IntakeError(message: "cannot write evidence file")
        }
        let digest = hasher.finalize().withUnsafeBytes { hexString($0) }
        return ReceivedEvidence(temporaryPath: path, filename: filename, size: size, sha256: digest, overLimit: size > maxBytes)
    }

    func discard() {
        if descriptor >= 0 { close(descriptor); descriptor = -1 }
        unlink(path)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
