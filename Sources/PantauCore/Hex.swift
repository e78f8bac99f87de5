/// Lower-case hex of bytes, without going through `String(format:)` (which
/// is slow on Linux and sits on the intake hot path).
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// JSON text of a flat string map with keys sorted: the canonical form of
/// event payloads (the same text, hence the same hash, on every machine).
public func canonicalJSON(_ object: [String: String]) -> String {
    var out = "{"
    for (index, key) in object.keys.sorted().enumerated() {
        if index > 0 { out += "," }
        appendJSONString(key, to: &out)
        out += ":"
        appendJSONString(object[key]!, to: &out)
    }
    return out + "}"
}

func appendJSONString(_ s: String, to out: inout String) {
    out += "\""
    // Most values need no escaping: append them whole.
    if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
        out += s
        out += "\""
        return
    }
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            let hex = hexString([UInt8(scalar.value >> 8), UInt8(scalar.value & 0xFF)])
            out += "\\u" + hex
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}

extension StringProtocol {
    /// Whether the text holds this ASCII character, by a scan of its UTF-8
    /// bytes. `contains(".")` with Foundation imported takes the string
    /// overload, which goes through `NSString` — measurable on the intake path.
    func containsASCII(_ character: Unicode.Scalar) -> Bool {
        precondition(character.isASCII)
        return utf8.contains(UInt8(character.value))
    }
}
