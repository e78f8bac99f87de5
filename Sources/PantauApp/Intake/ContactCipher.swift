import Crypto
import Foundation
import PantauCore

/// Seals reporter contact details with AES-256-GCM. Only the sealed box is
/// stored; the key never touches the database.
struct ContactCipher: Sendable {
    // Raw bytes: SymmetricKey itself is not Sendable. Empty: no key.
    private let keyBytes: [UInt8]

    init(key: SymmetricKey) { keyBytes = key.withUnsafeBytes { Array($0) } }
    private init(noKey: Void) { keyBytes = [] }

    /// For processes that never touch reporter contacts (the worker, the DNS
    /// primary): they need no key, and any use of this one is refused.
    static let unavailable = ContactCipher(noKey: ())

    private var key: SymmetricKey {
        get throws {
            guard !keyBytes.isEmpty else { throw IntakeError(message: "reporter contacts are not available in this process (no key loaded)") }
            return SymmetricKey(data: keyBytes)
        }
    }

    /// Secret from which other keys (e.g. CSRF signing) are derived.
    var csrfSecret: [UInt8] { keyBytes }

    /// The configured key, or for the embedded default a key generated on
    /// first start into a file readable by the owner only (0600).
    static func load(configuration: AppConfiguration) throws -> ContactCipher {
        if let base64 = configuration.secretKey, let data = Data(base64Encoded: base64) {
            return ContactCipher(key: SymmetricKey(data: data))
        }
        let path = configuration.keyFilePath
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let data = Data(base64Encoded: text), data.count == 32 else {
                throw ConfigurationError("key file \(path): expected 32 bytes in base64")
            }
            return ContactCipher(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try fm.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("could not write the key file \(path)")
        }
        return ContactCipher(key: key)
    }

    func seal(_ contact: ReporterContact) throws -> String {
        let plain = try JSONEncoder().encode(contact)
        return try AES.GCM.seal(plain, using: try key).combined!.base64EncodedString()
    }

    func open(_ sealed: String) throws -> ReporterContact {
        guard let data = Data(base64Encoded: sealed) else { throw IntakeError(message: "sealed contact is not base64") }
        let plain = try AES.GCM.open(try AES.GCM.SealedBox(combined: data), using: try key)
        return try JSONDecoder().decode(ReporterContact.self, from: plain)
    }
}
