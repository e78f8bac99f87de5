import Foundation

/// The submission rules of the EU DSA Transparency Database for one
/// statement of reasons, written from its public source
/// (`app/Http/Requests/StatementStoreRequest.php` and the constants of
/// `app/Models/Statement.php` in digital-services-act/transparency-database,
/// as of 2026): required fields, allowed values, lists, lengths, dates and
/// the `puid` pattern, with Laravel's meaning of "required" (present, not
/// null, not an empty string or list) and of `in` on a list (every element).
/// Pantau checks its own statements export with it.
public enum DSATransparencyRules {
    public static let decisionVisibilities: Set<String> = [
        "DECISION_VISIBILITY_CONTENT_REMOVED", "DECISION_VISIBILITY_CONTENT_DISABLED", "DECISION_VISIBILITY_CONTENT_DEMOTED",
        "DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED", "DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED",
        "DECISION_VISIBILITY_CONTENT_LABELLED", "DECISION_VISIBILITY_OTHER",
    ]
    public static let decisionMonetaries: Set<String> = ["DECISION_MONETARY_SUSPENSION", "DECISION_MONETARY_TERMINATION", "DECISION_MONETARY_OTHER"]
    public static let decisionProvisions: Set<String> = [
        "DECISION_PROVISION_PARTIAL_SUSPENSION", "DECISION_PROVISION_TOTAL_SUSPENSION",
        "DECISION_PROVISION_PARTIAL_TERMINATION", "DECISION_PROVISION_TOTAL_TERMINATION",
    ]
    public static let decisionAccounts: Set<String> = ["DECISION_ACCOUNT_SUSPENDED", "DECISION_ACCOUNT_TERMINATED"]
    public static let accountTypes: Set<String> = ["ACCOUNT_TYPE_BUSINESS", "ACCOUNT_TYPE_PRIVATE"]
    public static let decisionGrounds: Set<String> = ["DECISION_GROUND_ILLEGAL_CONTENT", "DECISION_GROUND_INCOMPATIBLE_CONTENT"]
    public static let contentTypes: Set<String> = [
        "CONTENT_TYPE_APP", "CONTENT_TYPE_AUDIO", "CONTENT_TYPE_IMAGE", "CONTENT_TYPE_PRODUCT", "CONTENT_TYPE_SYNTHETIC_MEDIA",
        "CONTENT_TYPE_TEXT", "CONTENT_TYPE_VIDEO", "CONTENT_TYPE_OTHER",
    ]
    /// Since February 2025 (PORNOGRAPHY_OR_SEXUALIZED_CONTENT, SCOPE_OF_PLATFORM_SERVICE and
    /// UNSAFE_AND_ILLEGAL_PRODUCTS were removed then).
    public static let categories: Set<String> = [
        "STATEMENT_CATEGORY_ANIMAL_WELFARE", "STATEMENT_CATEGORY_CONSUMER_INFORMATION", "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS",
        "STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS",
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE",
        "STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY",
        "STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "STATEMENT_CATEGORY_SELF_HARM", "STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS",
        "STATEMENT_CATEGORY_VIOLENCE",
    ]
    public static let keywords: Set<String> = Set("""
        ADULT_SEXUAL_MATERIAL AGE_SPECIFIC_RESTRICTIONS AGE_SPECIFIC_RESTRICTIONS_MINORS ANIMAL_HARM BIOMETRIC_DATA_BREACH \
        BULLYING_AGAINST_GIRLS CHILD_SEXUAL_ABUSE_MATERIAL CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE CONTENT_PROMOTING_EATING_DISORDERS \
        COORDINATED_HARM COPYRIGHT_INFRINGEMENT CYBER_BULLYING_INTIMIDATION CYBER_HARASSMENT CYBER_HARASSMENT_AGAINST_WOMEN \
        CYBER_INCITEMENT CYBER_STALKING CYBER_STALKING_AGAINST_WOMEN DATA_FALSIFICATION DEFAMATION DESIGN_INFRINGEMENT DISCRIMINATION \
        FEMALE_GENDERED_DISINFORMATION GEOGRAPHIC_INDICATIONS_INFRINGEMENT GEOGRAPHICAL_REQUIREMENTS GOODS_SERVICES_NOT_PERMITTED \
        GROOMING_SEXUAL_ENTICEMENT_MINORS HATE_SPEECH HIDDEN_ADVERTISEMENT HUMAN_EXPLOITATION HUMAN_TRAFFICKING ILLEGAL_ORGANIZATIONS \
        IMPERSONATION_ACCOUNT_HIJACKING INAUTHENTIC_ACCOUNTS INAUTHENTIC_LISTINGS INAUTHENTIC_USER_REVIEWS INCITEMENT_AGAINST_WOMEN \
        INCITEMENT_VIOLENCE_HATRED INSUFFICIENT_INFORMATION_ON_TRADERS LANGUAGE_REQUIREMENTS MISINFORMATION_DISINFORMATION \
        MISLEADING_INFO_CONSUMER_RIGHTS MISLEADING_INFO_GOODS_SERVICES MISSING_PROCESSING_GROUND NON_CONSENSUAL_IMAGE_SHARING \
        NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN NON_CONSENSUAL_MATERIAL_DEEPFAKE NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN \
        NONCOMPLIANCE_PRICING NUDITY PATENT_INFRINGEMENT PHISHING PROHIBITED_PRODUCTS PYRAMID_SCHEMES RIGHT_TO_BE_FORGOTTEN \
        RISK_ENVIRONMENTAL_DAMAGE RISK_PUBLIC_HEALTH SELF_MUTILATION STALKING SUICIDE TERRORIST_CONTENT TRADE_SECRET_INFRINGEMENT \
        TRADEMARK_INFRINGEMENT TRAFFICKING_WOMEN_GIRLS UNLAWFUL_SALE_ANIMALS UNSAFE_CHALLENGES UNSAFE_PRODUCTS VIOLATION_EU_LAW \
        VIOLATION_NATIONAL_LAW OTHER
        """.split(separator: " ").map { "KEYWORD_" + $0 })
    public static let sourceTypes: Set<String> = ["SOURCE_ARTICLE_16", "SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_VOLUNTARY"]
    public static let automatedDetections: Set<String> = ["Yes", "No"]
    public static let automatedDecisions: Set<String> = [
        "AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED",
    ]
    public static let europeanCountryCodes: Set<String> = Set("""
        AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK
        """.split(separator: " ").map(String.init))

    /// The fields that break a rule, each with what is wrong ("field: …"),
    /// for one statement as decoded from JSON. `territorialScope: false`
    /// skips the one rule Pantau departs from (Indonesia is not on the
    /// database's European list).
    public static func problems(in statement: [String: Any], territorialScope: Bool = true) -> [String] {
        var found: [String] = []
        func fail(_ field: String, _ message: String) { found.append("\(field): \(message)") }
        func present(_ field: String) -> Bool { isFilled(statement[field]) }
        func text(_ field: String) -> String? { statement[field] as? String }
        func isList(_ field: String) -> Bool { statement[field] is [Any] }

        /// `in:` — the value, or every element of a list, in `allowed`;
        /// null passes where the rule is nullable.
        func checkIn(_ field: String, _ allowed: Set<String>, nullable: Bool = true) {
            guard let value = statement[field], !(value is NSNull) else { return }
            let items: [Any] = (value as? [Any]) ?? [value]
            for item in items {
                if item is NSNull, nullable { continue }
                guard let string = item as? String, allowed.contains(string) else {
                    fail(field, "'\(item)' is not an allowed value")
                    return
                }
            }
        }
        func checkMax(_ field: String, _ limit: Int) {
            if let string = text(field), string.count > limit { fail(field, "longer than \(limit) characters") }
            if let list = statement[field] as? [Any], list.count > limit { fail(field, "more than \(limit) items") }
        }
        func checkArray(_ field: String) {
            // A PHP array: a list or a keyed object.
            if let value = statement[field], !(value is NSNull), !(value is [Any]), !(value is [String: Any]) { fail(field, "must be a list") }
        }
        func require(_ field: String, when condition: Bool = true) {
            if condition && !present(field) { fail(field, "is required") }
        }
        func contains(_ field: String, _ value: String) -> Bool {
            ((statement[field] as? [Any]) ?? [statement[field] as Any]).contains { ($0 as? String) == value }
        }
        func checkDate(_ field: String, from: String?, to: String) {
            guard present(field) else { return }
            guard let string = text(field), isDay(string) else { return fail(field, "must be a date YYYY-MM-DD") }
            if let from, string < from { fail(field, "before \(from)") }
            if string > to { fail(field, "after \(to)") }
        }

        // content_id / content_id_ean
        checkArray("content_id")
        if let ids = statement["content_id"] as? [String: Any], let ean = ids["EAN-13"], !((ean as? String)?.isThirteenDigits ?? false) {
            fail("content_id.EAN-13", "must be 13 digits")
        }
        if present("content_id_ean"), !(text("content_id_ean")?.isThirteenDigits ?? false) { fail("content_id_ean", "must be 13 digits") }

        // At least one restriction.
        let restrictions = ["decision_visibility", "decision_monetary", "decision_provision", "decision_account"]
        if !restrictions.contains(where: present) { fail("decision_visibility", "is required when no other restriction is given") }
        checkArray("decision_visibility")
        checkIn("decision_visibility", decisionVisibilities)
        let visibilityOther = contains("decision_visibility", "DECISION_VISIBILITY_OTHER")
        if visibilityOther { require("decision_visibility_other"); checkMax("decision_visibility_other", 500) }
        checkIn("decision_monetary", decisionMonetaries)
        if text("decision_monetary") == "DECISION_MONETARY_OTHER" { require("decision_monetary_other"); checkMax("decision_monetary_other", 500) }
        checkIn("decision_provision", decisionProvisions)
        checkIn("decision_account", decisionAccounts)
        checkIn("account_type", accountTypes)
        checkArray("category_specification")
        checkIn("category_specification", keywords)
        checkMax("category_specification_other", 500)

        // Ground.
        require("decision_ground")
        checkIn("decision_ground", decisionGrounds, nullable: false)
        if present("decision_ground_reference_url") {
            checkMax("decision_ground_reference_url", 500)
            if let url = text("decision_ground_reference_url"), URLComponents(string: url)?.scheme == nil { fail("decision_ground_reference_url", "must be a URL") }
        }
        if text("decision_ground") == "DECISION_GROUND_ILLEGAL_CONTENT" {
            require("illegal_content_legal_ground"); checkMax("illegal_content_legal_ground", 500)
            require("illegal_content_explanation"); checkMax("illegal_content_explanation", 2_000)
        }
        if text("decision_ground") == "DECISION_GROUND_INCOMPATIBLE_CONTENT" {
            require("incompatible_content_ground"); checkMax("incompatible_content_ground", 500)
            require("incompatible_content_explanation"); checkMax("incompatible_content_explanation", 2_000)
            checkIn("incompatible_content_illegal", automatedDetections)
        }

        // Content.
        require("content_type")
        checkArray("content_type")
        checkIn("content_type", contentTypes, nullable: false)
        if contains("content_type", "CONTENT_TYPE_OTHER") { require("content_type_other"); checkMax("content_type_other", 500) }
        require("category")
        checkIn("category", categories, nullable: false)
        checkArray("category_addition")
        checkIn("category_addition", categories, nullable: false)
        if territorialScope {
            checkArray("territorial_scope")
            checkIn("territorial_scope", europeanCountryCodes)
        }
        if present("content_language"), !(text("content_language").map { $0.count == 2 && $0.allSatisfy { $0.isUppercase && $0.isASCII } } ?? false) {
            fail("content_language", "must be an ISO 639-1 code in capitals")
        }

        // Dates.
        require("content_date")
        checkDate("content_date", from: "2000-01-01", to: "2038-01-01")
        require("application_date")
        checkDate("application_date", from: "2020-01-01", to: "2038-01-01")
        for field in ["end_date_account_restriction", "end_date_monetary_restriction", "end_date_service_restriction", "end_date_visibility_restriction"] {
            checkDate(field, from: nil, to: "2038-01-01")
        }

        // Facts, source, automation, identifier.
        require("decision_facts")
        checkMax("decision_facts", 5_000)
        require("source_type")
        checkIn("source_type", sourceTypes, nullable: false)
        if text("source_type") != "SOURCE_VOLUNTARY" { checkMax("source_identity", 500) }
        require("automated_detection")
        checkIn("automated_detection", automatedDetections, nullable: false)
        require("automated_decision")
        checkIn("automated_decision", automatedDecisions, nullable: false)
        require("puid")
        checkMax("puid", 500)
        if present("puid"), !(text("puid").map { !$0.isEmpty && $0.unicodeScalars.allSatisfy(isPUIDCharacter) } ?? false) {
            fail("puid", "may hold only letters, digits, - and _")
        }
        return found
    }

    private static func isFilled(_ value: Any?) -> Bool {
        switch value {
        case nil, is NSNull: false
        case let string as String: !string.trimmingCharacters(in: .whitespaces).isEmpty
        case let list as [Any]: !list.isEmpty
        default: true
        }
    }

    private static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigitCharacter) }),
              let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month), (1...31).contains(day) else { return false }
        return QueueFilter.parseDay(text) != nil
    }

    private static func isPUIDCharacter(_ scalar: Unicode.Scalar) -> Bool {
        (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9") || scalar == "-" || scalar == "_"
    }
}

extension String {
    fileprivate var isThirteenDigits: Bool { count == 13 && allSatisfy(\.isASCIIDigitCharacter) }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
