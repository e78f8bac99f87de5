import Foundation

/// One decision that restricts something (a takedown order, a network
/// block) as a statement of reasons valid under the EU DSA Transparency
/// Database's own submission rules (`DSATransparencyRules`), with one
/// departure: `territorial_scope` is `["ID"]`, a country the database's
/// European list does not have. `pantau_*` fields carry what Pantau knows
/// beside them. It holds no personal data: no reporter, no description, no
/// contact, no staff names, and the internal statement is replaced by the
/// public reason.
public struct StatementOfReasons: Sendable, Equatable {
    /// The decision as stored.
    public struct Source: Sendable, Equatable {
        public var decisionID: String
        public var verdict: String
        public var action: String
        public var category: String
        /// Legal basis codes, in the decision's order.
        public var legalBases: [String]
        public var publicReason: String
        public var automatedDetection: Bool
        public var automatedDecision: Bool
        public var applicationDate: Date
        public var subjectKey: String
        public var subjectPlatform: String
        public var subjectKind: String
        /// The channel of the case's first report.
        public var firstChannel: String?
        /// When the case's first report arrived: the earliest day Pantau knows the content existed.
        public var firstReportedAt: Date?
        public var reportCount: Int
        public var orderNumber: String?
        public var orderItemStatus: String?

        public init(decisionID: String, verdict: String, action: String, category: String, legalBases: [String], publicReason: String,
                    automatedDetection: Bool, automatedDecision: Bool, applicationDate: Date, subjectKey: String, subjectPlatform: String,
                    subjectKind: String, firstChannel: String?, firstReportedAt: Date? = nil, reportCount: Int = 1,
                    orderNumber: String?, orderItemStatus: String?) {
            self.decisionID = decisionID
            self.verdict = verdict
            self.action = action
            self.category = category
            self.legalBases = legalBases
            self.publicReason = publicReason
            self.automatedDetection = automatedDetection
            self.automatedDecision = automatedDecision
            self.applicationDate = applicationDate
            self.subjectKey = subjectKey
            self.subjectPlatform = subjectPlatform
            self.subjectKind = subjectKind
            self.firstChannel = firstChannel
            self.firstReportedAt = firstReportedAt
            self.reportCount = reportCount
            self.orderNumber = orderNumber
            self.orderItemStatus = orderItemStatus
        }
    }

    /// A field's value: text or a list (the database wants lists for
    /// `decision_visibility`, `content_type`, `category_specification`,
    /// `territorial_scope`).
    public enum Value: Sendable, Equatable {
        case text(String)
        case list([String])
    }

    /// Field names in export order: the CSV header and the JSON keys. A field
    /// without a value is left out of the JSON line and empty in the CSV.
    public static let fields = [
        "uuid", "decision_visibility", "decision_ground", "illegal_content_legal_ground", "illegal_content_explanation", "decision_facts",
        "category", "category_specification", "category_specification_other", "content_type", "content_type_other",
        "content_date", "application_date", "territorial_scope", "source_type", "automated_detection", "automated_decision", "puid",
        "platform_name", "pantau_subject", "pantau_category", "pantau_action", "pantau_order_number", "pantau_order_item_status",
    ]

    public let values: [String: Value]

    /// Whether a decision restricts anything, and so has a statement of
    /// reasons: a violating verdict with a takedown order or a network block.
    /// (A decision that restricts nothing is not a statement; the
    /// transparency figures count those.)
    public static func restricts(verdict: String, action: String) -> Bool {
        verdict == Verdict.violating.rawValue && (action == ProposedAction.takedownOrder.rawValue || action == ProposedAction.networkBlock.rawValue)
    }

    /// nil for a decision that restricts nothing.
    /// - Parameters:
    ///   - legalBasisText: the citation of a legal basis code (title and article).
    ///   - categoryName: a Pantau category's name in English.
    public init?(_ s: Source, platformName: String, legalBasisText: (String) -> String, categoryName: (String) -> String) {
        guard Self.restricts(verdict: s.verdict, action: s.action) else { return nil }
        let mapped = Self.dsaCategory(s.category)
        let (contentType, contentTypeOther) = Self.contentType(kind: s.subjectKind, platform: s.subjectPlatform)
        let grounds = s.legalBases.map(legalBasisText).joined(separator: "; ")
        let reason = s.publicReason.trimmingCharacters(in: .whitespacesAndNewlines)
        let explanation = reason.isEmpty ? "Content in the category \(categoryName(s.category)), illegal under Indonesian law." : reason
        let firstDay = QueueFilter.formatDay(max(s.firstReportedAt ?? s.applicationDate, Self.earliestContentDate))
        let channel = s.firstChannel.map { " (first through the \($0.replacingOccurrences(of: "_", with: " ")) channel)" } ?? ""
        let facts = "\(s.reportCount) \(s.reportCount == 1 ? "report" : "reports") of this \(Self.kindName(s.subjectKind)) since \(firstDay)\(channel), "
            + "reviewed by the regulator's analysts. \(explanation)"
        var values: [String: Value] = [
            "uuid": .text(s.decisionID),
            "decision_visibility": .list([s.action == ProposedAction.networkBlock.rawValue
                                          ? "DECISION_VISIBILITY_CONTENT_DISABLED" : "DECISION_VISIBILITY_CONTENT_REMOVED"]),
            "decision_ground": .text("DECISION_GROUND_ILLEGAL_CONTENT"),
            "illegal_content_legal_ground": .text(Self.cut(grounds.isEmpty ? "Indonesian law" : grounds, to: 500)),
            "illegal_content_explanation": .text(Self.cut(explanation, to: 2_000)),
            "decision_facts": .text(Self.cut(facts, to: 5_000)),
            "category": .text(mapped.category),
            "category_specification": .list(mapped.keywords),
            "content_type": .list([contentType]),
            "content_date": .text(firstDay),
            "application_date": .text(QueueFilter.formatDay(s.applicationDate)),
            "territorial_scope": .list(["ID"]),
            "source_type": .text(s.firstChannel == ReportChannel.monitoring.rawValue ? "SOURCE_VOLUNTARY" : "SOURCE_ARTICLE_16"),
            "automated_detection": .text(s.automatedDetection ? "Yes" : "No"),
            "automated_decision": .text(s.automatedDecision ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_NOT_AUTOMATED"),
            // The database allows letters, digits, - and _ only: the decision's id, not the subject key.
            "puid": .text(s.decisionID),
            "platform_name": .text(platformName),
            "pantau_subject": .text(s.subjectKey),
            "pantau_category": .text(s.category),
            "pantau_action": .text(s.action),
        ]
        if mapped.keywords.contains("KEYWORD_OTHER") { values["category_specification_other"] = .text(Self.cut(categoryName(s.category), to: 500)) }
        if let contentTypeOther { values["content_type_other"] = .text(contentTypeOther) }
        if let number = s.orderNumber { values["pantau_order_number"] = .text(number) }
        if let status = s.orderItemStatus { values["pantau_order_item_status"] = .text(status) }
        self.values = values
    }

    /// The database takes content dates from 2000 on.
    static let earliestContentDate = Date(timeIntervalSince1970: 946_684_800)

    /// The DSA statement category and keywords of a Pantau category (the
    /// categories and keywords the database accepts since its 2025
    /// taxonomy). A category without a fitting keyword gets `KEYWORD_OTHER`
    /// and its own name as `category_specification_other`.
    public static func dsaCategory(_ slug: String) -> (category: String, keywords: [String]) {
        switch slug {
        case "pornografi": ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", ["KEYWORD_ADULT_SEXUAL_MATERIAL"])
        case "pornografi_anak": ("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", ["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"])
        case "perjudian", "produk_ilegal": ("STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS", ["KEYWORD_PROHIBITED_PRODUCTS"])
        case "penipuan", "pinjol_ilegal": ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", ["KEYWORD_OTHER"])
        case "hoaks": ("STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", ["KEYWORD_MISINFORMATION_DISINFORMATION"])
        case "fitnah": ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", ["KEYWORD_DEFAMATION"])
        case "sara": ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", ["KEYWORD_HATE_SPEECH"])
        case "terorisme": ("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", ["KEYWORD_TERRORIST_CONTENT"])
        case "separatisme": ("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", ["KEYWORD_ILLEGAL_ORGANIZATIONS"])
        case "meresahkan_masyarakat": ("STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY", ["KEYWORD_OTHER"])
        case "kekerasan": ("STATEMENT_CATEGORY_VIOLENCE", ["KEYWORD_INCITEMENT_VIOLENCE_HATRED"])
        case "pelanggaran_hki": ("STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", ["KEYWORD_COPYRIGHT_INFRINGEMENT"])
        default: ("STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", ["KEYWORD_OTHER"])
        }
    }

    /// The DSA content type of a subject, and the words for "other".
    public static func contentType(kind: String, platform: String) -> (String, other: String?) {
        switch kind {
        case "video": ("CONTENT_TYPE_VIDEO", nil)
        case "post": (platform == "x" ? "CONTENT_TYPE_TEXT" : "CONTENT_TYPE_IMAGE", nil)
        case "account", "channel": ("CONTENT_TYPE_OTHER", "Account")
        case "domain", "url", "shortlink": ("CONTENT_TYPE_OTHER", "Website")
        default: ("CONTENT_TYPE_OTHER", kind.isEmpty ? "Other" : kind)
        }
    }

    private static func kindName(_ kind: String) -> String {
        switch kind {
        case "domain", "url", "shortlink": "website"
        case "": "content"
        default: kind
        }
    }

    /// At most `limit` characters, as the database counts them.
    private static func cut(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// One JSON line, keys in `fields` order, fields without a value left out.
    public func jsonLine() -> String {
        var object = JSONObjectText()
        for field in Self.fields {
            switch values[field] {
            case .text(let text)?: object.add(field, text)
            case .list(let list)?: object.add(field, list: list)
            case nil: break
            }
        }
        return object.finished + "\n"
    }

    /// One CSV line; a list is written as its JSON array, as the database's
    /// own CSV files do.
    public func csvLine() -> String {
        CSVWriter.line(Self.fields.map { field in
            switch values[field] {
            case .text(let text)?: return text
            case .list(let list)?:
                var object = JSONObjectText()
                object.add("l", list: list)
                return String(object.finished.dropFirst(5).dropLast())
            case nil: return ""
            }
        })
    }

    public static var csvHeader: String { CSVWriter.line(fields) }
}
