import Foundation
import Hummingbird
import PantauCore

/// Decodes JSON, naming the field in the error when a type is wrong.
func decodeJSON<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
    guard !bytes.isEmpty else { throw APIError(.badRequest, code: "empty_body", message: "The request body is empty; send a JSON object.") }
    guard String(validating: bytes, as: UTF8.self) != nil else {
        throw APIError(.badRequest, code: "invalid_utf8", message: "The request body is not valid UTF-8.")
    }
    do {
        try StrictJSON.validate(bytes)
    } catch {
        throw APIError(.badRequest, code: "invalid_json", message: "The request body is not valid JSON: \(error.reason) at byte \(error.offset).")
    }
    do {
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    } catch let DecodingError.typeMismatch(_, context) {
        let field = fieldName(context.codingPath)
        throw APIError(.badRequest, code: "invalid_type", message: "'\(field)' has the wrong type.", field: field)
    } catch let DecodingError.valueNotFound(_, context) {
        let field = fieldName(context.codingPath)
        throw APIError(.badRequest, code: "invalid_type", message: "'\(field)' must not be null.", field: field)
    } catch let DecodingError.keyNotFound(key, context) {
        let field = fieldName(context.codingPath + [key])
        throw APIError(.badRequest, code: "missing_field", message: "'\(field)' is required.", field: field)
    } catch {
        throw APIError(.badRequest, code: "invalid_json", message: "The request body is not valid JSON.")
    }
}

private func fieldName(_ path: [any CodingKey]) -> String {
    path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
}

/// A hand-built JSON object as a response.
func jsonResponse(_ object: JSONObjectText, status: HTTPResponse.Status) -> Response {
    Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: object.finished)))
}

func jsonResponse(_ value: some Encodable, status: HTTPResponse.Status, headers extra: HTTPFields = [:]) throws -> Response {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .custom { date, encoder in
        var c = encoder.singleValueContainer()
        try c.encode(isoTimestamp(date))
    }
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
    headers.append(contentsOf: extra)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

/// RFC 3339 in UTC with milliseconds, as every API answer writes times.
func isoTimestamp(_ date: Date) -> String {
    Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).format(date)
}
