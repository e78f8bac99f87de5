import Foundation

/// International domain names to ASCII (punycode A-labels).
///
/// The mapping step follows UTS #46 in the way that matters for reports:
/// compatibility normalisation (NFKC), lower case, and the ideographic and
/// full-width full stops as label separators. Labels are then encoded with
/// RFC 3492 punycode and checked against DNS limits.
public enum IDNA {
    /// Converts a host name to lower-case ASCII, or returns nil when it is not
    /// a valid host name (bad characters, empty or overlong labels).
    public static func toASCII(_ host: String) -> String? {
        // Nearly every host is plain ASCII: lower-case it and check the labels
        // without Unicode normalisation (which goes through Foundation).
        if host.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes = Array(host.utf8).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
            if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
            guard !bytes.isEmpty, bytes.count <= 253 else { return nil }
            let result = String(decoding: bytes, as: UTF8.self)
            for label in result.split(separator: ".", omittingEmptySubsequences: false) where !isValidASCIILabel(String(label)) {
                return nil
            }
            return result
        }
        var mapped = host.precomposedStringWithCompatibilityMapping.lowercased()
        for dot in ["\u{3002}", "\u{FF0E}", "\u{FF61}"] {
            mapped = mapped.replacingOccurrences(of: dot, with: ".")
        }
        if mapped.hasSuffix(".") { mapped.removeLast() }
        guard !mapped.isEmpty else { return nil }
        var labels: [String] = []
        for label in mapped.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else { return nil }
            let ascii: String
            if label.unicodeScalars.allSatisfy({ $0.isASCII }) {
                ascii = String(label)
            } else {
                guard label.unicodeScalars.allSatisfy(isAllowedInUnicodeLabel),
                      let encoded = Punycode.encode(String(label).precomposedStringWithCanonicalMapping)
                else { return nil }
                ascii = "xn--" + encoded
            }
            guard isValidASCIILabel(ascii) else { return nil }
            labels.append(ascii)
        }
        let result = labels.joined(separator: ".")
        return result.utf8.count <= 253 ? result : nil
    }

    /// Letters, digits and hyphens (underscore tolerated), 1–63 octets, no
    /// hyphen at either end.
    public static func isValidASCIILabel(_ label: String) -> Bool {
        let bytes = Array(label.utf8)
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
        }
    }

    private static func isAllowedInUnicodeLabel(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "-"
        }
        let p = scalar.properties
        return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark
    }
}

/// RFC 3492 punycode encoder (Bootstring with the punycode parameters).
public enum Punycode {
    private static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
    private static let initialBias = 72, initialN = 128

    public static func encode(_ input: String) -> String? {
        let scalars = input.unicodeScalars.map { Int($0.value) }
        var output = scalars.filter { $0 < 0x80 }.map { Character(Unicode.Scalar(UInt8($0))) }
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < scalars.count {
            guard let m = scalars.filter({ $0 >= n }).min() else { return nil }
            let (product, overflow) = (m - n).multipliedReportingOverflow(by: handled + 1)
            guard !overflow else { return nil }
            delta += product
            n = m
            for c in scalars {
                if c < n { delta += 1 }
                if c == n {
                    var q = delta
                    var k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, numPoints: handled + 1, firstTime: handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return String(output)
    }

    private static func digit(_ d: Int) -> Character {
        d < 26 ? Character(Unicode.Scalar(UInt8(97 + d))) : Character(Unicode.Scalar(UInt8(22 + d)))
    }

    private static func adapt(_ delta: Int, numPoints: Int, firstTime: Bool) -> Int {
        var delta = firstTime ? delta / damp : delta / 2
        delta += delta / numPoints
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }
}
