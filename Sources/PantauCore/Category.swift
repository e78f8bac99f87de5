/// A category of negative content (*konten negatif*). The list is data: the
/// defaults below are seeded into the database and an admin may edit them.
public struct ContentCategory: Sendable, Hashable, Codable {
    /// Stable identifier (snake_case), used in the API and exports.
    public let slug: String
    public let nameID: String
    public let nameEN: String
    /// 1 (lowest) … 5 (highest). Drives priority and "most severe claim wins".
    public let severity: Int
    /// Default deadline for a takedown order, in hours.
    public let deadlineHours: Int
    public let legalBasis: String

    public init(slug: String, nameID: String, nameEN: String, severity: Int, deadlineHours: Int, legalBasis: String) {
        self.slug = slug
        self.nameID = nameID
        self.nameEN = nameEN
        self.severity = severity
        self.deadlineHours = deadlineHours
        self.legalBasis = legalBasis
    }

    /// Urgent categories get the short (4 h) deadline.
    public var isUrgent: Bool { deadlineHours <= 4 }
}

public enum CategoryCatalog {
    public static let fallbackSlug = "lainnya"

    /// The categories seeded on first start (PRODUCT.md's list).
    public static let defaults: [ContentCategory] = [
        .init(slug: "pornografi", nameID: "Pornografi", nameEN: "Pornography", severity: 4, deadlineHours: 24,
              legalBasis: "UU 11/2008 jo. UU 1/2024 (ITE) Pasal 27 ayat (1); UU 44/2008 tentang Pornografi"),
        .init(slug: "pornografi_anak", nameID: "Pornografi anak", nameEN: "Child sexual abuse material", severity: 5, deadlineHours: 4,
              legalBasis: "UU 44/2008 tentang Pornografi Pasal 4; UU 35/2014 tentang Perlindungan Anak"),
        .init(slug: "perjudian", nameID: "Perjudian", nameEN: "Gambling", severity: 4, deadlineHours: 24,
              legalBasis: "UU ITE Pasal 27 ayat (2); KUHP Pasal 303"),
        .init(slug: "penipuan", nameID: "Penipuan", nameEN: "Fraud", severity: 3, deadlineHours: 24,
              legalBasis: "UU ITE Pasal 28 ayat (1); KUHP Pasal 378"),
        .init(slug: "pinjol_ilegal", nameID: "Pinjaman online ilegal", nameEN: "Illegal online lending", severity: 3, deadlineHours: 24,
              legalBasis: "UU 4/2023 (P2SK); POJK 10/2022; PP 71/2019 Pasal 96"),
        .init(slug: "hoaks", nameID: "Hoaks / berita bohong", nameEN: "Hoax / false news", severity: 3, deadlineHours: 24,
              legalBasis: "UU ITE Pasal 28 ayat (3); UU 1/1946 Pasal 14–15"),
        .init(slug: "fitnah", nameID: "Fitnah / pencemaran nama baik", nameEN: "Defamation", severity: 2, deadlineHours: 24,
              legalBasis: "UU ITE Pasal 27A"),
        .init(slug: "sara", nameID: "SARA / ujaran kebencian", nameEN: "Hate speech (SARA)", severity: 4, deadlineHours: 24,
              legalBasis: "UU ITE Pasal 28 ayat (2)"),
        .init(slug: "terorisme", nameID: "Terorisme / radikalisme", nameEN: "Terrorism / radicalism", severity: 5, deadlineHours: 4,
              legalBasis: "UU 5/2018 tentang Pemberantasan Tindak Pidana Terorisme"),
        .init(slug: "separatisme", nameID: "Separatisme", nameEN: "Separatism", severity: 4, deadlineHours: 24,
              legalBasis: "KUHP Pasal 106–110; PP 71/2019 Pasal 96"),
        .init(slug: "kekerasan", nameID: "Kekerasan", nameEN: "Violence", severity: 4, deadlineHours: 24,
              legalBasis: "UU ITE Pasal 29"),
        .init(slug: "pelanggaran_hki", nameID: "Pelanggaran HKI", nameEN: "Intellectual property infringement", severity: 2, deadlineHours: 24,
              legalBasis: "UU 28/2014 tentang Hak Cipta Pasal 54–56"),
        .init(slug: "produk_ilegal", nameID: "Obat / makanan / kosmetik ilegal", nameEN: "Illegal drugs, food or cosmetics", severity: 3, deadlineHours: 24,
              legalBasis: "UU 17/2023 tentang Kesehatan; UU 8/1999 tentang Perlindungan Konsumen"),
        .init(slug: "meresahkan_masyarakat", nameID: "Meresahkan masyarakat", nameEN: "Disturbs public order", severity: 4, deadlineHours: 4,
              legalBasis: "PP 71/2019 Pasal 96; Permenkominfo 5/2020 Pasal 9"),
        .init(slug: "lainnya", nameID: "Lainnya", nameEN: "Other", severity: 1, deadlineHours: 24,
              legalBasis: "PP 71/2019; Permenkominfo 5/2020"),
    ]
}

/// Looks up categories by slug; the app builds one from the database.
public struct CategoryIndex: Sendable {
    public let all: [ContentCategory]
    private let bySlug: [String: ContentCategory]

    public init(_ categories: [ContentCategory]) {
        all = categories
        bySlug = Dictionary(categories.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(slug: String) -> ContentCategory? { bySlug[slug] }

    public func severity(of slug: String) -> Int { bySlug[slug]?.severity ?? 1 }

    public func contains(_ slug: String) -> Bool { bySlug[slug] != nil }

    public var slugs: [String] { all.map(\.slug) }

    /// Of two claimed categories, the more severe one (the current one on a tie).
    public func moreSevere(_ current: String, _ claimed: String) -> String {
        severity(of: claimed) > severity(of: current) ? claimed : current
    }

    /// A case's working category after one more report: the first report
    /// sets it; while the case is `new`, a more severe claim escalates it;
    /// once someone works or decides the case, the category is theirs.
    public func categoryAfterReport(current: String, claimed: String, isFirstReport: Bool, status: CaseStatus) -> String {
        if isFirstReport { return claimed }
        return status == .new ? moreSevere(current, claimed) : current
    }
}
