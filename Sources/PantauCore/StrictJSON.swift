/// RFC 8259 JSON syntax, checked exactly. Foundation's decoder is lenient
/// (it takes a trailing comma, for one), and what a lenient reader accepts
/// another reader of the same bytes may read differently; Pantau's API takes
/// only what every JSON reader agrees on.
public enum StrictJSON {
    public struct SyntaxError: Error, Equatable, Sendable {
        /// Byte offset of the first byte that is not valid JSON there.
        public let offset: Int
        public let reason: String
    }

    /// Deeper nesting than any request needs; refusing it keeps a hostile
    /// body from exhausting the stack.
    public static let maximumDepth = 64

    public static func validate(_ bytes: [UInt8]) throws(SyntaxError) {
        var reader = Reader(bytes: bytes)
        reader.skipWhitespace()
        try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.index == bytes.count else { throw SyntaxError(offset: reader.index, reason: "unexpected content after the JSON value") }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        func fail(_ reason: String) -> SyntaxError { SyntaxError(offset: index, reason: reason) }

        mutating func expect(_ byte: UInt8, _ reason: String) throws(SyntaxError) {
            guard current == byte else { throw fail(reason) }
            index += 1
        }

        mutating func value(depth: Int) throws(SyntaxError) {
            guard depth < StrictJSON.maximumDepth else { throw fail("nested more than \(StrictJSON.maximumDepth) levels deep") }
            guard let byte = current else { throw fail("the body ends where a value was expected") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw fail("a value was expected")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") { index += 1; return }
            while true {
                guard current == UInt8(ascii: "\"") else { throw fail("a member name in quotes was expected (no trailing comma)") }
                try string()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "':' was expected after a member name")
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; skipWhitespace(); continue }
                try expect(UInt8(ascii: "}"), "',' or '}' was expected")
                return
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") { index += 1; return }
            while true {
                if current == UInt8(ascii: "]") { throw fail("a value was expected (no trailing comma)") }
                try value(depth: depth + 1)
                skipWhitespace()
                if current == UInt8(ascii: ",") { index += 1; skipWhitespace(); continue }
                try expect(UInt8(ascii: "]"), "',' or ']' was expected")
                return
            }
        }

        mutating func string() throws(SyntaxError) {
            index += 1
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""): index += 1; return
                case UInt8(ascii: "\\"):
                    index += 1
                    switch current {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 1
                    case UInt8(ascii: "u"):
                        index += 1
                        for _ in 0..<4 {
                            guard let hex = current, isHexDigit(hex) else { throw fail("\\u needs four hexadecimal digits") }
                            index += 1
                        }
                    default: throw fail("unknown escape in a string")
                    }
                case 0..<0x20: throw fail("a control character must be escaped in a string")
                default: index += 1
                }
            }
            throw fail("the string is not closed")
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            for byte in word.utf8 {
                guard current == byte else { throw fail("'\(word)' was expected") }
                index += 1
            }
        }

        mutating func number() throws(SyntaxError) {
            if current == UInt8(ascii: "-") { index += 1 }
            guard let first = current, isDigit(first) else { throw fail("a digit was expected") }
            index += 1
            if first != UInt8(ascii: "0") { while let d = current, isDigit(d) { index += 1 } }
            if current == UInt8(ascii: ".") {
                index += 1
                guard let d = current, isDigit(d) else { throw fail("a digit was expected after '.'") }
                while let d = current, isDigit(d) { index += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                guard let d = current, isDigit(d) else { throw fail("a digit was expected in the exponent") }
                while let d = current, isDigit(d) { index += 1 }
            }
        }

        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        func isHexDigit(_ byte: UInt8) -> Bool {
            isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
