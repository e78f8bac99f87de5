/// Whether an evidence file is a whole file of the type its first bytes
/// claim, not just those bytes followed by anything. PNG and JPEG are
/// decoded in full by libpng and libjpeg-turbo (PantauApp); GIF, WebP and
/// PDF are checked here by walking their structure.
public enum EvidenceInspection: Equatable, Sendable {
    /// A whole image (its size in pixels) or document (0 × 0).
    case whole(width: Int, height: Int)
    /// Not a whole, well-formed file of the type.
    case broken
    /// An image that would decode to more pixels than allowed.
    case tooLarge

    /// Pixels an evidence image may decode to: far above any screenshot or
    /// phone photo, far below what could exhaust memory or time.
    public static let maximumPixels: UInt64 = 100_000_000
}

public enum EvidenceStructure {
    /// Walks a GIF: header, colour tables, every extension and image block
    /// within the data, and each image's LZW codes decoded (without keeping
    /// pixels) to the full width × height, up to the trailer.
    public static func gif(_ bytes: [UInt8], maximumPixels: UInt64 = EvidenceInspection.maximumPixels) -> EvidenceInspection {
        var reader = ByteReader(bytes)
        guard let signature = reader.take(6), signature == Array("GIF87a".utf8) || signature == Array("GIF89a".utf8),
              let width = reader.uint16LE(), let height = reader.uint16LE(), let packed = reader.byte(), reader.skip(2) else { return .broken }
        guard width > 0, height > 0 else { return .broken }
        guard UInt64(width) * UInt64(height) <= maximumPixels else { return .tooLarge }
        if packed & 0x80 != 0, !reader.skip(3 << (Int(packed & 7) + 1)) { return .broken }
        var images = 0
        while let introducer = reader.byte() {
            switch introducer {
            case 0x21: // extension: a label, then data sub-blocks
                guard reader.byte() != nil, reader.subBlocks() != nil else { return .broken }
            case 0x2C: // image: descriptor, optional local colour table, LZW data
                guard reader.skip(4), let w = reader.uint16LE(), let h = reader.uint16LE(), let flags = reader.byte(), w > 0, h > 0 else { return .broken }
                guard UInt64(w) * UInt64(h) <= maximumPixels else { return .tooLarge }
                if flags & 0x80 != 0, !reader.skip(3 << (Int(flags & 7) + 1)) { return .broken }
                guard let minimumCodeSize = reader.byte(), (2...8).contains(minimumCodeSize), let data = reader.subBlocks(),
                      lzwPixelCount(data, minimumCodeSize: Int(minimumCodeSize), limit: Int(w) * Int(h)) >= Int(w) * Int(h) else { return .broken }
                images += 1
            case 0x3B: // trailer
                return images > 0 ? .whole(width: Int(width), height: Int(height)) : .broken
            default:
                return .broken
            }
        }
        return .broken
    }

    /// How many pixels GIF LZW data decodes to (stopping at `limit`), or -1
    /// when a code is not one the decoder could know at that point.
    static func lzwPixelCount(_ data: [UInt8], minimumCodeSize: Int, limit: Int) -> Int {
        let clear = 1 << minimumCodeSize, end = clear + 1
        var codeSize = minimumCodeSize + 1
        var next = clear + 2
        var lengths = [Int](repeating: 1, count: 4096)
        var previous = -1
        var pixels = 0
        var bitBuffer = 0, bitCount = 0, position = 0
        while pixels < limit {
            while bitCount < codeSize {
                guard position < data.count else { return pixels }
                bitBuffer |= Int(data[position]) << bitCount
                bitCount += 8
                position += 1
            }
            let code = bitBuffer & ((1 << codeSize) - 1)
            bitBuffer >>= codeSize
            bitCount -= codeSize
            if code == clear {
                codeSize = minimumCodeSize + 1
                next = clear + 2
                previous = -1
                continue
            }
            if code == end { return pixels }
            let length: Int
            if code < clear {
                length = 1
            } else if code < next && code > end {
                length = lengths[code]
            } else if code == next && previous >= 0 {
                length = lengths[previous] + 1
            } else {
                return -1
            }
            pixels += length
            if previous >= 0 && next < 4096 {
                lengths[next] = lengths[previous] + 1
                next += 1
                if next == 1 << codeSize && codeSize < 12 { codeSize += 1 }
            }
            previous = code
        }
        return pixels
    }

    /// Walks a WebP: the RIFF container's size matches the data, every chunk
    /// lies within it, and the image chunk's frame header (VP8 key frame
    /// start code, or VP8L signature and version) gives the size.
    public static func webp(_ bytes: [UInt8], maximumPixels: UInt64 = EvidenceInspection.maximumPixels) -> EvidenceInspection {
        var reader = ByteReader(bytes)
        guard reader.take(4) == Array("RIFF".utf8), let riffSize = reader.uint32LE(), reader.take(4) == Array("WEBP".utf8),
              Int(riffSize) + 8 == bytes.count, riffSize % 2 == 0 else { return .broken }
        var size: (Int, Int)?
        var canvas: (Int, Int)?
        while !reader.isAtEnd {
            guard let fourCC = reader.take(4), let length = reader.uint32LE(), let payload = reader.take(Int(length)) else { return .broken }
            if length % 2 == 1 && !reader.skip(1) { return .broken }
            switch String(decoding: fourCC, as: UTF8.self) {
            case "VP8 ":
                // Frame tag: key frame bit 0, first partition within the chunk; then 9d 01 2a and 14-bit sizes.
                guard payload.count >= 10, payload[0] & 1 == 0, payload[3...5] == [0x9D, 0x01, 0x2A] else { return .broken }
                let firstPartition = (Int(payload[0]) | Int(payload[1]) << 8 | Int(payload[2]) << 16) >> 5
                guard firstPartition > 0, firstPartition <= payload.count - 10 else { return .broken }
                size = (Int(payload[6]) | Int(payload[7] & 0x3F) << 8, Int(payload[8]) | Int(payload[9] & 0x3F) << 8)
            case "VP8L":
                guard payload.count >= 5, payload[0] == 0x2F else { return .broken }
                let bits = UInt32(payload[1]) | UInt32(payload[2]) << 8 | UInt32(payload[3]) << 16 | UInt32(payload[4]) << 24
                guard bits >> 29 == 0 else { return .broken } // version 0
                size = (Int(bits & 0x3FFF) + 1, Int(bits >> 14 & 0x3FFF) + 1)
            case "VP8X":
                guard payload.count >= 10 else { return .broken }
                canvas = ((Int(payload[4]) | Int(payload[5]) << 8 | Int(payload[6]) << 16) + 1,
                          (Int(payload[7]) | Int(payload[8]) << 8 | Int(payload[9]) << 16) + 1)
            case "ANMF":
                // An animation frame carries its own image chunks after a 16-byte header.
                guard payload.count > 16, case .whole = webpFrame(Array(payload[16...])) else { return .broken }
                size = size ?? canvas
            default:
                break // ICCP, ALPH, ANIM, EXIF, XMP and unknown chunks are skipped whole
            }
        }
        guard let (width, height) = size, width > 0, height > 0 else { return .broken }
        let (canvasWidth, canvasHeight) = canvas ?? (width, height)
        guard UInt64(canvasWidth) * UInt64(canvasHeight) <= maximumPixels else { return .tooLarge }
        return .whole(width: canvasWidth, height: canvasHeight)
    }

    private static func webpFrame(_ chunks: [UInt8]) -> EvidenceInspection {
        let size = UInt32(chunks.count)
        return webp(Array("RIFF".utf8) + [UInt8(truncatingIfNeeded: size + 4), UInt8(truncatingIfNeeded: (size + 4) >> 8),
                                          UInt8(truncatingIfNeeded: (size + 4) >> 16), UInt8(truncatingIfNeeded: (size + 4) >> 24)]
                    + Array("WEBP".utf8) + chunks)
    }

    /// Checks a PDF's frame: a `%PDF-1.x`/`%PDF-2.x` header, and at its end
    /// `startxref` with an offset inside the file pointing at a
    /// cross-reference table (`xref`) or stream (`N G obj`), then `%%EOF`.
    public static func pdf(_ bytes: [UInt8]) -> EvidenceInspection {
        guard bytes.count >= 32, bytes.starts(with: Array("%PDF-".utf8)), [UInt8(ascii: "1"), UInt8(ascii: "2")].contains(bytes[5]),
              bytes[6] == UInt8(ascii: ".") else { return .broken }
        let tail = Array(bytes.suffix(1_024))
        guard let eof = lastRange(of: Array("%%EOF".utf8), in: tail), let startxref = lastRange(of: Array("startxref".utf8), in: tail),
              startxref < eof else { return .broken }
        let digits = tail[(startxref + 9)..<eof].drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !digits.isEmpty, digits.count <= 12, let offset = Int(String(decoding: digits, as: UTF8.self)), offset < bytes.count - 4 else {
            return .broken
        }
        let target = bytes[offset...].prefix(32)
        if target.starts(with: Array("xref".utf8)) { return .whole(width: 0, height: 0) }
        // `N G obj`: an object number, a generation, then obj.
        let words = String(decoding: target, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
        if words.count >= 3, words[0].allSatisfy(\.isNumber), words[1].allSatisfy(\.isNumber), words[2].hasPrefix("obj") {
            return .whole(width: 0, height: 0)
        }
        return .broken
    }

    private static func lastRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in stride(from: haystack.count - needle.count, through: 0, by: -1) where haystack[start..<start + needle.count].elementsEqual(needle) {
            return start
        }
        return nil
    }
}

/// Reads little-endian fields from the front of a byte array.
struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func byte() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, count <= bytes.count - position else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func skip(_ count: Int) -> Bool { take(count) != nil }

    mutating func uint16LE() -> UInt16? {
        take(2).map { UInt16($0[0]) | UInt16($0[1]) << 8 }
    }

    mutating func uint32LE() -> UInt32? {
        take(4).map { UInt32($0[0]) | UInt32($0[1]) << 8 | UInt32($0[2]) << 16 | UInt32($0[3]) << 24 }
    }

    /// GIF data sub-blocks (a length byte, that many bytes, until a zero
    /// length), joined.
    mutating func subBlocks() -> [UInt8]? {
        var data: [UInt8] = []
        while true {
            guard let length = byte() else { return nil }
            if length == 0 { return data }
            guard let block = take(Int(length)) else { return nil }
            data += block
        }
    }
}
