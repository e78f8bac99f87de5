import Foundation
import PantauCore
import Testing
@testable import PantauApp

/// The OpenAPI document is assembled from each stage's part: it must
/// describe every API route the server registers, and nothing else.
@Suite struct OpenAPITests {
    /// "METHOD /path/{param}" of every operation in the document.
    static func documentedOperations(_ yaml: String) -> Set<String> {
        var operations: Set<String> = []
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path {
                let key = line.trimmingCharacters(in: .whitespaces)
                if ["get:", "post:", "put:", "delete:", "patch:"].contains(key) { operations.insert(key.dropLast().uppercased() + " " + path) }
            } else if !line.hasPrefix(" ") {
                path = nil
            }
        }
        return operations
    }

    @Test func everyAPIRouteIsDescribedAndNothingElse() async throws {
        try await withAppAndRoutes(.sqlite) { _, routes, _, _ in
            let registered = Set(routes.entries.filter { $0.path.hasPrefix(SitePath.API.prefix) }.map { entry in
                entry.method.rawValue + " " + entry.path.split(separator: "/", omittingEmptySubsequences: false)
                    .map { $0.hasPrefix(":") ? "{" + $0.dropFirst() + "}" : String($0) }.joined(separator: "/")
            })
            let documented = Self.documentedOperations(OpenAPIDocument.yaml)
            #expect(registered.count > 40)
            #expect(registered.subtracting(documented).sorted() == [], "routes the document does not describe")
            #expect(documented.subtracting(registered).sorted() == [], "operations the server does not have")
        }
    }

    @Test func listsOfValuesComeFromTheCode() {
        let yaml = OpenAPIDocument.yaml
        #expect(yaml.contains("enum: " + OpenAPIDocument.values(PantauCore.PublicOutcome.self)))
        #expect(yaml.contains("violating_content_removed") && yaml.contains("violating_blocked"))
    }
}
