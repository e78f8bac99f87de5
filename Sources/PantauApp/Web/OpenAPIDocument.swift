import PantauCore

/// The OpenAPI description of the JSON API, served at `/openapi.yaml`, kept
/// in the binary so every deployment serves the spec it implements. Each
/// stage writes its own endpoints and schemas (`IntakeOpenAPI.swift`, …);
/// this file puts them together with what they share (the error answer, the
/// id parameter, the bearer token, which every endpoint needs unless it says
/// `security: []`). Lists of values come from the enums the code uses, and a
/// test checks that every API route is described and nothing else.
enum OpenAPIDocument {
    /// A stage's part of the document: its paths, and its schemas (both
    /// indented as they stand in the document).
    struct Fragment: Sendable {
        let paths: String
        var schemas: String = ""
    }

    static let stages: [Fragment] = [intake, accounts, cases, orders, blocklist, transparency, comms, monitoring]

    static let yaml: String = optionalPropertiesNullable(header + "\npaths:\n" + withStandardErrors(stages.map(\.paths).joined(separator: "\n"))
        + "\ncomponents:\n" + shared + "\n  schemas:\n" + ([sharedSchemas] + stages.map(\.schemas).filter { !$0.isEmpty }).joined(separator: "\n") + "\n")

    /// Marks every optional property written on one line `nullable: true`:
    /// the server reads a JSON `null` as a value left out (Swift's optional
    /// decoding), and the description says so instead of every fragment
    /// repeating it.
    static func optionalPropertiesNullable(_ yaml: String) -> String {
        var lines = yaml.components(separatedBy: "\n")
        func indent(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        for index in lines.indices where lines[index].trimmingCharacters(in: .whitespaces) == "properties:" {
            let level = indent(lines[index])
            // This object's `required` list, before or after its properties.
            var required: Set<String> = []
            var start = index
            while start > 0, indent(lines[start - 1]) >= level { start -= 1 }
            var end = index + 1
            while end < lines.count, lines[end].isEmpty || indent(lines[end]) > level || (indent(lines[end]) == level && !lines[end].hasPrefix(String(repeating: " ", count: level) + "properties:")) {
                if indent(lines[end]) < level { break }
                end += 1
            }
            for line in lines[start..<end] where indent(line) == level {
                let text = line.trimmingCharacters(in: .whitespaces)
                if text.hasPrefix("required: ["), text.hasSuffix("]") {
                    required = Set(text.dropFirst("required: [".count).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                }
            }
            var cursor = index + 1
            while cursor < lines.count, lines[cursor].isEmpty || indent(lines[cursor]) > level {
                let line = lines[cursor]
                if indent(line) == level + 2, let colon = line.firstIndex(of: ":") {
                    let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    if !required.contains(name), value.hasPrefix("{ "), value.hasSuffix("}"), !value.contains("nullable"), !value.contains("$ref") {
                        lines[cursor] = String(line[...colon]) + " { nullable: true, " + value.dropFirst(2)
                    }
                }
                cursor += 1
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Adds to every operation the error answers the server gives whatever
    /// the operation (so each stage's description need not repeat them, and
    /// none can be forgotten): 401 and 403 unless it is public (no or a
    /// wrong token; a role without the permission), 400, 413, 415 and 422
    /// when it takes a JSON body (not JSON or wrong types; too large; not
    /// sent as application/json; a value refused), 400 when it takes query
    /// parameters, 404 when its path has a parameter. An operation that lists a code itself keeps its own.
    static func withStandardErrors(_ paths: String) -> String {
        var lines = paths.components(separatedBy: "\n")
        var index = 0
        var path = ""
        while index < lines.count {
            let line = lines[index]
            if line.hasPrefix("  /") { path = line }
            guard ["get", "post", "put", "patch", "delete"].contains(where: { line == "    \($0):" }) else {
                index += 1
                continue
            }
            // The operation runs until the next line indented four spaces or less.
            var end = index + 1
            while end < lines.count, lines[end].hasPrefix("      ") || lines[end].isEmpty { end += 1 }
            let operation = lines[index..<end]
            let isPublic = operation.contains("      security: []")
            let requestBody = operation.firstIndex(of: "      requestBody:")
            let responses = operation.firstIndex(of: "      responses:")
            let takesJSON = requestBody.map { start in
                lines[start..<(responses ?? end)].contains { $0.trimmingCharacters(in: .whitespaces) == "application/json:" }
            } ?? false
            guard let responses else {
                index = end
                continue
            }
            let listed = Set(operation.compactMap { line -> String? in
                guard line.hasPrefix("        '"), line.count > 12 else { return nil }
                return String(line.dropFirst(9).prefix(3))
            })
            var wanted: [String] = []
            if !isPublic { wanted += ["401", "403"] }
            if takesJSON { wanted += ["400", "413", "415", "422"] }
            if !takesJSON && operation.contains(where: { $0.contains("in: query") }) { wanted.append("400") }
            if path.contains("{") { wanted.append("404") }
            let added = wanted.filter { !listed.contains($0) }.map { "        '\($0)': { $ref: '#/components/responses/Error' }" }
            lines.insert(contentsOf: added, at: responses + 1)
            index = end + added.count
        }
        return lines.joined(separator: "\n")
    }

    /// A YAML list of an enum's values and the empty value, for a filter
    /// where empty means "any".
    static func valuesOrEmpty<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> String where E.RawValue == String, E: Equatable {
        "[" + E.allCases.map(\.rawValue).joined(separator: ", ") + ", '']"
    }

    /// A parameter schema that also takes the empty value.
    static func orEmpty(_ schema: String) -> String { "{ anyOf: [\(schema), { type: string, maxLength: 0 }] }" }

    /// A UUID in either case, unanchored.
    static let uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    /// A YAML list of an enum's values, as the API spells them.
    static func values<E: CaseIterable & RawRepresentable>(_ type: E.Type, except excluded: [E] = []) -> String
        where E.RawValue == String, E: Equatable {
        "[" + E.allCases.filter { !excluded.contains($0) }.map(\.rawValue).joined(separator: ", ") + "]"
    }

    private static let header = #"""
openapi: 3.0.3
info:
  title: Pantau API
  version: "1.0"
  description: |
    Intake of reports of negative online content. Errors are always JSON:
    {"error": {"code": "...", "message": "...", "field": "..."}}.
servers:
  - url: /
security: [{ bearer: [] }]
"""#

    private static let shared = #"""
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
      description: An API token from `pantau token create` (`pnt_…`). A wrong or revoked token is 401 invalid_token; a role without the permission is 403 access_denied.
  responses:
    Error:
      description: The request was not accepted; nothing was stored.
      content:
        application/json:
          schema: { $ref: '#/components/schemas/Error' }
  parameters:
    ID:
      name: id
      in: path
      required: true
      schema: { type: string, format: uuid }
"""#

    private static let sharedSchemas = #"""
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: { type: string }
            message: { type: string }
            field: { type: string }
"""#
}
