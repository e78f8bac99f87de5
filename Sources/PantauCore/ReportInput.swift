import Foundation

/// How a report reached the regulator.
public enum ReportChannel: String, Sendable, Codable, CaseIterable {
    case web, api, mention, `import`, email, crawler
}

/// Reporter contact details. Always stored encrypted; never logged or exported.
public struct ReporterContact: Sendable, Codable, Equatable {
    public var name: String?
    public var email: String?
    public var phone: String?
    /// The platform account of a reporter who mentioned the official account.
    public var platformAccount: String?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, platformAccount: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
        self.platformAccount = platformAccount
    }

    public var isEmpty: Bool { name == nil && email == nil && phone == nil && platformAccount == nil }
}

/// A report as received, before validation (strings exactly as sent).
public struct ReportInput: Sendable {
    public var url: String?
    public var handle: String?
    public var platform: String?
    public var category: String?
    public var description: String?
    public var reporterName: String?
    public var reporterEmail: String?
    public var reporterPhone: String?
    public var evidence: [String]

    public init(url: String? = nil, handle: String? = nil, platform: String? = nil, category: String? = nil,
                description: String? = nil, reporterName: String? = nil, reporterEmail: String? = nil,
                reporterPhone: String? = nil, evidence: [String] = []) {
        self.url = url
        self.handle = handle
        self.platform = platform
        self.category = category
        self.description = description
        self.reporterName = reporterName
        self.reporterEmail = reporterEmail
        self.reporterPhone = reporterPhone
        self.evidence = evidence
    }
}

/// A report that passed every check: ready to be stored.
public struct ValidatedReport: Sendable, Equatable {
    public let subject: Subject
    /// What the reporter typed (kept for the record).
    public let target: String
    public let category: String
    public let description: String
    public let contact: ReporterContact?
    public let evidence: [String]

    public init(subject: Subject, target: String, category: String, description: String, contact: ReporterContact?, evidence: [String]) {
        self.subject = subject
        self.target = target
        self.category = category
        self.description = description
        self.contact = contact
        self.evidence = evidence
    }
}

/// A field that failed validation. `code` is machine-readable; the messages
/// are shown to people (Bahasa Indonesia and English).
public struct ReportInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let code: String
    public let message: String
    public let messageID: String

    public init(field: String, code: String, message: String, messageID: String) {
        self.field = field
        self.code = code
        self.message = message
        self.messageID = messageID
    }

    public var description: String { "\(field): \(message)" }
}

public enum ReportValidator {
    public static let maximumDescriptionLength = 5000
    public static let maximumNameLength = 200
    public static let maximumEmailLength = 254
    public static let maximumPhoneLength = 32
    public static let maximumEvidenceCount = 10

    /// Checks every field; the first problem found is thrown.
    public static func validate(_ input: ReportInput, categories: CategoryIndex, requireCategory: Bool = true) throws(ReportInputError) -> ValidatedReport {
        let url = trimmed(input.url)
        let handle = trimmed(input.handle)
        let platformText = trimmed(input.platform)

        var platform: Platform?
        if let platformText {
            guard let p = Platform(rawValue: platformText.lowercased()) else {
                throw ReportInputError(field: "platform", code: "unknown_platform",
                                       message: "Unknown platform '\(clip(platformText))'. Use one of: \(Platform.allCases.map(\.rawValue).joined(separator: ", ")).",
                                       messageID: "Platform '\(clip(platformText))' tidak dikenal.")
            }
            platform = p
        }

        let subject: Subject
        let target: String
        switch (url, handle) {
        case (nil, nil):
            throw ReportInputError(field: "url", code: "missing_target", message: "Give the link (url) or the account (handle and platform) you are reporting.",
                                   messageID: "Isi tautan (URL) atau nama akun yang dilaporkan.")
        case (.some, .some):
            throw ReportInputError(field: "url", code: "ambiguous_target", message: "Give either url or handle, not both.",
                                   messageID: "Isi tautan atau nama akun, jangan keduanya.")
        case (let url?, nil):
            do { subject = try SubjectCanonicalizer.canonicalize(url) } catch {
                throw ReportInputError(field: "url", code: "invalid_url", message: error.message, messageID: SubjectErrorText.indonesian(error))
            }
            target = url
        case (nil, let handle?):
            guard let platform else {
                throw ReportInputError(field: "platform", code: "missing_platform", message: "A handle needs its platform.",
                                       messageID: "Nama akun perlu disertai platformnya.")
            }
            do { subject = try SubjectCanonicalizer.handle(handle, platform: platform) } catch {
                throw ReportInputError(field: "handle", code: "invalid_handle", message: error.message, messageID: SubjectErrorText.indonesian(error))
            }
            target = handle
        }

        let category: String
        if let slug = trimmed(input.category) {
            guard categories[slug] != nil else {
                throw ReportInputError(field: "category", code: "unknown_category",
                                       message: "Unknown category '\(clip(slug))'. Use one of: \(categories.all.map(\.slug).joined(separator: ", ")).",
                                       messageID: "Kategori '\(clip(slug))' tidak dikenal.")
            }
            category = slug
        } else if requireCategory {
            throw ReportInputError(field: "category", code: "missing_category", message: "Choose a category.", messageID: "Pilih kategori.")
        } else {
            category = CategoryCatalog.fallbackSlug
        }

        let description = input.description.map(trimmedWhitespace) ?? ""
        guard description.count <= maximumDescriptionLength else {
            throw ReportInputError(field: "description", code: "too_long", message: "The description is longer than \(maximumDescriptionLength) characters.",
                                   messageID: "Uraian lebih dari \(maximumDescriptionLength) karakter.")
        }
        guard !containsControlCharacters(description, allowingNewlines: true) else {
            throw ReportInputError(field: "description", code: "control_characters", message: "The description contains control characters.",
                                   messageID: "Uraian berisi karakter kendali.")
        }

        let contact = try validateContact(name: trimmed(input.reporterName), email: trimmed(input.reporterEmail), phone: trimmed(input.reporterPhone))

        guard input.evidence.count <= maximumEvidenceCount else {
            throw ReportInputError(field: "evidence", code: "too_many", message: "At most \(maximumEvidenceCount) evidence files per report.",
                                   messageID: "Paling banyak \(maximumEvidenceCount) berkas bukti per aduan.")
        }
        for hash in input.evidence where !isSHA256Hex(hash) {
            throw ReportInputError(field: "evidence", code: "invalid_hash", message: "Evidence must be given as the sha256 returned by POST /api/v1/evidence.",
                                   messageID: "Bukti harus berupa sha256 dari unggahan bukti.")
        }
        return ValidatedReport(subject: subject, target: target, category: category, description: description,
                               contact: contact, evidence: Array(Set(input.evidence.map { $0.lowercased() })).sorted())
    }

    static func validateContact(name: String?, email: String?, phone: String?) throws(ReportInputError) -> ReporterContact? {
        if let name {
            guard name.count <= maximumNameLength, !containsControlCharacters(name, allowingNewlines: false) else {
                throw ReportInputError(field: "reporter.name", code: "invalid_name", message: "The name is too long or contains control characters.",
                                       messageID: "Nama terlalu panjang atau berisi karakter kendali.")
            }
        }
        if let email {
            guard email.count <= maximumEmailLength, isPlausibleEmail(email) else {
                throw ReportInputError(field: "reporter.email", code: "invalid_email", message: "'\(clip(email))' is not an e-mail address.",
                                       messageID: "'\(clip(email))' bukan alamat surel yang sah.")
            }
        }
        if let phone {
            let digits = phone.filter(\.isNumber).count
            guard phone.count <= maximumPhoneLength, digits >= 6, phone.allSatisfy({ $0.isASCII && ($0.isNumber || " +-().".contains($0)) }) else {
                throw ReportInputError(field: "reporter.phone", code: "invalid_phone", message: "'\(clip(phone))' is not a phone number.",
                                       messageID: "'\(clip(phone))' bukan nomor telepon yang sah.")
            }
        }
        let contact = ReporterContact(name: name, email: email, phone: phone)
        return contact.isEmpty ? nil : contact
    }

    public static func isSHA256Hex(_ s: String) -> Bool {
        s.count == 64 && s.allSatisfy { $0.isHexDigit && $0.isASCII }
    }

    public static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].containsASCII("."), !email.contains(where: { $0.isWhitespace }) else { return false }
        return IDNA.toASCII(String(parts[1])) != nil
    }

    static func containsControlCharacters(_ s: String, allowingNewlines: Bool) -> Bool {
        s.unicodeScalars.contains { scalar in
            if scalar.value >= 0x20 && scalar.value < 0x7F { return false }
            if allowingNewlines && (scalar == "\n" || scalar == "\r" || scalar == "\t") { return false }
            return scalar.properties.generalCategory == .control
        }
    }

    static func trimmed(_ s: String?) -> String? {
        guard let s else { return nil }
        let t = trimmedWhitespace(s)
        return t.isEmpty ? nil : t
    }

    /// Echoes of user input in messages are kept short.
    static func clip(_ s: String) -> String { s.count > 60 ? String(s.prefix(60)) + "…" : s }
}

/// Indonesian wording of subject errors for the public form.
public enum SubjectErrorText {
    public static func indonesian(_ error: SubjectError) -> String {
        switch error.code {
        case .empty: "Belum diisi: masukkan tautan (URL) atau nama akun."
        case .tooLong: "Tautan lebih dari \(SubjectCanonicalizer.maximumInputLength) karakter."
        case .controlCharacters: "Teks berisi karakter kendali."
        case .unsupportedScheme: "Hanya alamat http dan https yang dapat dilaporkan."
        case .notAURL: "Bukan tautan (URL) maupun nama akun yang sah."
        case .invalidHost: "Nama domain tidak sah."
        case .invalidHandle: "Nama akun tidak sah untuk platform ini."
        case .handleNeedsPlatform: "Ini tampak seperti nama akun: pilih platformnya atau tempelkan tautan lengkap."
        case .unrecognised: "Alamat tidak dikenali."
        }
    }
}

/// Trims white space and newlines at both ends (pure Swift; Foundation's
/// `trimmingCharacters` bridges through NSString on Linux).
public func trimmedWhitespace(_ s: String) -> String {
    guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return "" }
    let last = s.lastIndex(where: { !$0.isWhitespace })!
    if first == s.startIndex && last == s.index(before: s.endIndex) { return s }
    return String(s[first...last])
}
