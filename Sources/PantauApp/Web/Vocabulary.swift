import FluentKit
import Foundation
import PantauCore

/// The names people read for legal bases and categories. Their codes stay in
/// data, the API and exports; pages and letters show these names. Both
/// tables are small and an admin may edit them, so each page reads them.
struct Vocabulary: Sendable {
    struct Basis: Sendable {
        /// "UU ITE Pasal 27 ayat (2) — perjudian": the law's short name and the article.
        let short: String
        /// The law's full title and the article, for letters.
        let full: String
    }

    var bases: [String: Basis] = [:]
    var categories = CategoryIndex([])

    static func load(_ database: PantauDatabase) async throws -> Vocabulary {
        let bases = try await LegalBasisModel.query(on: database.db).all()
        let categories = try await CategoryModel.query(on: database.db).sort(\.$position).all()
        var vocabulary = Vocabulary(categories: CategoryIndex(categories.map(\.domain)))
        for basis in bases {
            guard let code = basis.id else { continue }
            vocabulary.bases[code] = Basis(short: shortName(title: basis.title, article: basis.article), full: basis.title + " " + basis.article)
        }
        return vocabulary
    }

    /// "UU ITE Pasal 27 ayat (2) — perjudian": the law's name without its amendments in brackets, then the article.
    static func shortName(title: String, article: String) -> String {
        (title.components(separatedBy: " (").first ?? title) + " " + article
    }

    /// A legal basis by its code; an unknown code is shown as it is.
    func basis(_ code: String) -> String { bases[code]?.short ?? code }

    /// Several legal bases, one after another.
    func bases(_ codes: [String]) -> String { codes.isEmpty ? "—" : codes.map(basis).joined(separator: "; ") }

    /// Legal bases stored as one comma-separated text.
    func bases(commaSeparated text: String) -> String { bases(text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }

    /// A category's name in the page's language.
    func category(_ slug: String, _ l: Language) -> String {
        categories[slug].map { l.t($0.nameID, $0.nameEN) } ?? slug
    }
}
