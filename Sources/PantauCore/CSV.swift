/// RFC 4180 CSV reader: quoted fields, doubled quotes, commas and newlines
/// inside quotes, CRLF or LF line ends. Each record carries the line it
/// starts on so import errors can name it.
public enum CSVReader {
    public struct Record: Sendable, Equatable {
        public let line: Int
        public let fields: [String]
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws(ParseError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var quotedFieldClosed = false
        var line = 1
        var recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return iterator.next()
        }
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
            quotedFieldClosed = false
        }
        while let c = next() {
            if inQuotes {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; quotedFieldClosed = true; pending = n }
                    } else { inQuotes = false; quotedFieldClosed = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case ",":
                fields.append(field); field = ""; quotedFieldClosed = false
            case "\r":
                if let n = next(), n != "\n" { pending = n }
                endRecord(); line += 1; recordLine = line
            case "\n":
                endRecord(); line += 1; recordLine = line
            case "\"" where field.isEmpty && !quotedFieldClosed:
                inQuotes = true
            default:
                if quotedFieldClosed { throw ParseError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw ParseError(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || quotedFieldClosed { endRecord() }
        return records
    }
}

/// Writes CSV records (RFC 4180): fields with a comma, a quote or a line
/// break are quoted, quotes doubled; lines end in CRLF. A field starting
/// with `=`, `+`, `-` or `@` gets a leading `'` so a spreadsheet never runs
/// it as a formula (open data is opened in spreadsheets).
public enum CSVWriter {
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ raw: String) -> String {
        var text = raw
        if let first = text.first, "=+-@".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
