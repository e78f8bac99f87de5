import Foundation

/// How a report reached the regulator.
public enum ReportChannel: String, Sendable, Codable, CaseIterable {
    case web, api, mention, `import`, email
    /// Found by Pantau's own monitoring (a watchlist matched a post or a page).
    case monitoring
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
        let (report, problems) = check(input, categories: categories, requireCategory: requireCategory)
        guard let report else { throw problems[0] }
        return report
    }

    /// Every problem with the report, at most one per field (a form shows them all at once).
    public static func problems(_ input: ReportInput, categories: CategoryIndex, requireCategory: Bool = true) -> [ReportInputError] {
        check(input, categories: categories, requireCategory: requireCategory).problems
    }

    /// Checks every field, collecting all problems (in field order) before failing.
    static func check(_ input: ReportInput, categories: CategoryIndex, requireCategory: Bool) -> (report: ValidatedReport?, problems: [ReportInputError]) {
        var found: [ReportInputError] = []
        let url = trimmed(input.url)
        let handle = trimmed(input.handle)
        let platformText = trimmed(input.platform)

        var platform: Platform?
        if let platformText {
            if let p = Platform(rawValue: platformText.lowercased()) {
                platform = p
            } else {
                found.append(ReportInputError(field: "platform", code: "unknown_platform",
                                              message: "Unknown platform '\(clip(platformText))'. Use one of: \(Platform.allCases.map(\.rawValue).joined(separator: ", ")).",
                                              messageID: "Platform '\(clip(platformText))' tidak dikenal."))
            }
        }

        var subject: Subject?
        var target = ""
        switch (url, handle) {
        case (nil, nil):
            found.append(ReportInputError(field: "url", code: "missing_target", message: "Give the link (url) or the account (handle and platform) you are reporting.",
                                          messageID: "Isi tautan (URL) atau nama akun yang dilaporkan."))
        case (.some, .some):
            found.append(ReportInputError(field: "url", code: "ambiguous_target", message: "Give either url or handle, not both.",
                                          messageID: "Isi tautan atau nama akun, jangan keduanya."))
        case (let url?, nil):
            do { subject = try SubjectCanonicalizer.canonicalize(url) } catch {
                found.append(ReportInputError(field: "url", code: "invalid_url", message: error.message, messageID: SubjectErrorText.indonesian(error)))
            }
            target = url
        case (nil, let handle?):
            if let platform {
                do { subject = try SubjectCanonicalizer.handle(handle, platform: platform) } catch {
                    found.append(ReportInputError(field: "handle", code: "invalid_handle", message: error.message, messageID: SubjectErrorText.indonesian(error)))
                }
            } else if platformText == nil {
                found.append(ReportInputError(field: "platform", code: "missing_platform", message: "A handle needs its platform.",
                                              messageID: "Nama akun perlu disertai platformnya."))
            }
            target = handle
        }

        var category = CategoryCatalog.fallbackSlug
        if let slug = trimmed(input.category) {
            if categories[slug] != nil {
                category = slug
            } else {
                found.append(ReportInputError(field: "category", code: "unknown_category",
                                              message: "Unknown category '\(clip(slug))'. Use one of: \(categories.all.map(\.slug).joined(separator: ", ")).",
                                              messageID: "Kategori '\(clip(slug))' tidak dikenal."))
            }
        } else if requireCategory {
            found.append(ReportInputError(field: "category", code: "missing_category", message: "Choose a category.", messageID: "Pilih kategori."))
        }

        let description = input.description.map(trimmedWhitespace) ?? ""
        if description.count > maximumDescriptionLength {
            found.append(ReportInputError(field: "description", code: "too_long",
                                          message: "The description is longer than \(HumanFormat.number(maximumDescriptionLength, english: true)) characters (it has \(HumanFormat.number(description.count, english: true))).",
                                          messageID: "Uraian lebih dari \(HumanFormat.number(maximumDescriptionLength, english: false)) karakter (ada \(HumanFormat.number(description.count, english: false)))."))
        } else if containsControlCharacters(description, allowingNewlines: true) {
            found.append(ReportInputError(field: "description", code: "control_characters", message: "The description contains control characters.",
                                          messageID: "Uraian berisi karakter kendali."))
        }

        var contact: ReporterContact?
        let contactProblems = contactProblems(name: trimmed(input.reporterName), email: trimmed(input.reporterEmail), phone: trimmed(input.reporterPhone))
        if contactProblems.isEmpty {
            let made = ReporterContact(name: trimmed(input.reporterName), email: trimmed(input.reporterEmail), phone: trimmed(input.reporterPhone))
            contact = made.isEmpty ? nil : made
        }
        found += contactProblems

        if input.evidence.count > maximumEvidenceCount {
            found.append(ReportInputError(field: "evidence", code: "too_many", message: "At most \(maximumEvidenceCount) evidence files per report.",
                                          messageID: "Paling banyak \(maximumEvidenceCount) berkas bukti per aduan."))
        } else if input.evidence.contains(where: { !isSHA256Hex($0) }) {
            found.append(ReportInputError(field: "evidence", code: "invalid_hash", message: "Evidence must be given as the sha256 returned by POST /api/v1/evidence.",
                                          messageID: "Bukti harus berupa sha256 dari unggahan bukti."))
        }
        guard found.isEmpty, let subject else { return (nil, found) }
        return (ValidatedReport(subject: subject, target: target, category: category, description: description,
                                        contact: contact, evidence: Array(Set(input.evidence.map { $0.lowercased() })).sorted()), [])
    }

    static func validateContact(name: String?, email: String?, phone: String?) throws(ReportInputError) -> ReporterContact? {
        if let problem = contactProblems(name: name, email: email, phone: phone).first { throw problem }
        let contact = ReporterContact(name: name, email: email, phone: phone)
        return contact.isEmpty ? nil : contact
    }

    /// Every problem with the reporter's contact details.
    static func contactProblems(name: String?, email: String?, phone: String?) -> [ReportInputError] {
        var found: [ReportInputError] = []
        if let name, name.count > maximumNameLength || containsControlCharacters(name, allowingNewlines: false) {
            found.append(ReportInputError(field: "reporter.name", code: "invalid_name", message: "The name is too long or contains control characters.",
                                          messageID: "Nama terlalu panjang atau berisi karakter kendali."))
        }
        if let email, email.count > maximumEmailLength || !isPlausibleEmail(email) {
            found.append(ReportInputError(field: "reporter.email", code: "invalid_email", message: "'\(clip(email))' is not an e-mail address.",
                                          messageID: "'\(clip(email))' bukan alamat surel yang sah."))
        }
        if let phone {
            let digits = phone.filter(\.isNumber).count
            if !(phone.count <= maximumPhoneLength && digits >= 6 && phone.allSatisfy({ $0.isASCII && ($0.isNumber || " +-().".contains($0)) })) {
                found.append(ReportInputError(field: "reporter.phone", code: "invalid_phone", message: "'\(clip(phone))' is not a phone number.",
                                              messageID: "'\(clip(phone))' bukan nomor telepon yang sah."))
            }
        }
        return found
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
