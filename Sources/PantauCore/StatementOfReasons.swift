import Foundation

/// One decision as a statement of reasons, in a schema modelled on the EU
/// DSA Transparency Database (field names and values as there, where a
/// counterpart exists; `pantau_*` fields where Pantau knows more). It holds
/// no personal data: no reporter, no description, no contact, no staff
/// names, and the internal statement is replaced by the public reason.
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
        public var orderNumber: String?
        public var orderItemStatus: String?

        public init(decisionID: String, verdict: String, action: String, category: String, legalBases: [String], publicReason: String,
                    automatedDetection: Bool, automatedDecision: Bool, applicationDate: Date, subjectKey: String, subjectPlatform: String,
                    subjectKind: String, firstChannel: String?, orderNumber: String?, orderItemStatus: String?) {
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
            self.orderNumber = orderNumber
            self.orderItemStatus = orderItemStatus
        }
    }

    /// Field names in export order: the CSV header and the JSON keys.
    public static let fields = [
        "uuid", "decision_visibility", "decision_ground", "illegal_content_legal_ground", "illegal_content_explanation", "category",
        "category_specification", "content_type", "territorial_scope", "source_type", "automated_detection", "automated_decision",
        "application_date", "platform_name", "puid", "pantau_verdict", "pantau_action", "pantau_order_number", "pantau_order_item_status",
    ]

    public let values: [String: String]
    /// `territorial_scope` is a list in the DSA schema.
    public let territorialScope: [String]

    /// - Parameter legalBasisText: the citation of a legal basis code (title and article).
    public init(_ s: Source, platformName: String, legalBasisText: (String) -> String) {
        let violating = s.verdict == "violating"
        let visibility = !violating ? "DECISION_VISIBILITY_NONE"
            : s.action == "network_block" ? "DECISION_VISIBILITY_CONTENT_DISABLED"
            : s.action == "takedown_order" ? "DECISION_VISIBILITY_CONTENT_REMOVED" : "DECISION_VISIBILITY_NONE"
        territorialScope = ["ID"]
        values = [
            "uuid": s.decisionID,
            "decision_visibility": visibility,
            "decision_ground": violating ? "DECISION_GROUND_ILLEGAL_CONTENT" : "DECISION_GROUND_NONE",
            "illegal_content_legal_ground": violating ? s.legalBases.map(legalBasisText).joined(separator: "; ") : "",
            "illegal_content_explanation": s.publicReason,
            "category": Self.dsaCategory(s.category),
            "category_specification": s.category,
            "content_type": Self.contentType(kind: s.subjectKind, platform: s.subjectPlatform),
            "territorial_scope": "ID",
            "source_type": s.firstChannel == "crawler" ? "SOURCE_VOLUNTARY" : "SOURCE_ARTICLE_16",
            "automated_detection": s.automatedDetection ? "Yes" : "No",
            "automated_decision": s.automatedDecision ? "AUTOMATED_DECISION_FULLY" : "AUTOMATED_DECISION_NOT_AUTOMATED",
            "application_date": QueueFilter.formatDay(s.applicationDate),
            "platform_name": platformName,
            "puid": s.subjectKey,
            "pantau_verdict": s.verdict,
            "pantau_action": s.action,
            "pantau_order_number": s.orderNumber ?? "",
            "pantau_order_item_status": s.orderItemStatus ?? "",
        ]
    }

    /// The DSA statement category of a Pantau category.
    public static func dsaCategory(_ slug: String) -> String {
        switch slug {
        case "pornografi": "STATEMENT_CATEGORY_PORNOGRAPHY_OR_SEXUALIZED_CONTENT"
        case "pornografi_anak": "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
        case "perjudian", "produk_ilegal": "STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS"
        case "penipuan", "pinjol_ilegal": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD"
        case "hoaks": "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
        case "fitnah", "sara": "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH"
        case "terorisme", "separatisme", "meresahkan_masyarakat": "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY"
        case "kekerasan": "STATEMENT_CATEGORY_VIOLENCE"
        case "pelanggaran_hki": "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"
        default: "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
        }
    }

    public static func contentType(kind: String, platform: String) -> String {
        switch kind {
        case "video": "CONTENT_TYPE_VIDEO"
        case "post": platform == "x" ? "CONTENT_TYPE_TEXT" : "CONTENT_TYPE_IMAGE"
        case "domain", "url": "CONTENT_TYPE_OTHER"
        default: "CONTENT_TYPE_OTHER"
        }
    }

    /// One JSON line, keys in `fields` order.
    public func jsonLine() -> String {
        var object = JSONObjectText()
        for field in Self.fields {
            if field == "territorial_scope" {
                object.add(field, list: territorialScope)
            } else {
                object.add(field, values[field] ?? "")
            }
        }
        return object.finished + "\n"
    }

    public func csvLine() -> String { CSVWriter.line(Self.fields.map { values[$0] ?? "" }) }

    public static var csvHeader: String { CSVWriter.line(fields) }
}
