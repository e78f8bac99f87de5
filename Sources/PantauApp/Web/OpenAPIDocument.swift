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

    static let stages: [Fragment] = [intake, accounts, cases, orders, blocklist, transparency, comms]

    static let yaml: String = header + "\npaths:\n" + stages.map(\.paths).joined(separator: "\n")
        + "\ncomponents:\n" + shared + "\n  schemas:\n" + ([sharedSchemas] + stages.map(\.schemas).filter { !$0.isEmpty }).joined(separator: "\n") + "\n"

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
