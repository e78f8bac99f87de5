import Foundation

/// A domain name in wire form: its labels, lower-cased (DNS compares names
/// case-insensitively; every name this server holds or compares is ASCII).
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    public let labels: [[UInt8]]

    public init(labels: [[UInt8]]) {
        self.labels = labels.map { $0.map(Self.lower) }
    }

    /// `"www.example.com"`, `"www.example.com."` or `"."` (the root).
    public init?(_ text: String) {
        var trimmed = Substring(text)
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        if trimmed.isEmpty { self.init(labels: []); return }
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false).map { Array($0.utf8) }
        guard parts.allSatisfy({ !$0.isEmpty && $0.count <= 63 }) else { return nil }
        self.init(labels: parts)
        guard wireLength <= 255 else { return nil }
    }

    static func lower(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    public static let root = DNSName(labels: [])

    /// Octets on the wire, uncompressed (each label's length octet, the root's zero).
    public var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.count } }

    public var description: String {
        labels.isEmpty ? "." : labels.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".") + "."
    }


    /// The uncompressed wire form (what TSIG digests).
    public var wire: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(wireLength)
        for label in labels {
            out.append(UInt8(label.count))
            out.append(contentsOf: label)
        }
        out.append(0)
        return out
    }
}

public enum DNSType: UInt16, Sendable {
    case a = 1, ns = 2, cname = 5, soa = 6, txt = 16, aaaa = 28, opt = 41, tsig = 250, ixfr = 251, axfr = 252, any = 255
}

public enum DNSClass: UInt16, Sendable {
    case `in` = 1, none = 254, any = 255
}

public enum DNSOpcode: UInt8, Sendable {
    case query = 0, notify = 4, update = 5
}

public enum DNSRcode: UInt8, Sendable {
    case noError = 0, formErr = 1, servFail = 2, nxDomain = 3, notImp = 4, refused = 5, notAuth = 9
}

/// The fixed 12-octet header.
public struct DNSHeader: Sendable, Equatable {
    public var id: UInt16
    public var isResponse: Bool
    public var opcode: UInt8
    public var authoritative: Bool
    public var truncated: Bool
    public var recursionDesired: Bool
    public var rcode: UInt8
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public init(id: UInt16, isResponse: Bool = false, opcode: UInt8 = 0, authoritative: Bool = false, truncated: Bool = false,
                recursionDesired: Bool = false, rcode: UInt8 = 0, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
                authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode
        self.authoritative = authoritative
        self.truncated = truncated
        self.recursionDesired = recursionDesired
        self.rcode = rcode
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    var flags: UInt16 {
        var f: UInt16 = 0
        if isResponse { f |= 0x8000 }
        f |= UInt16(opcode & 0x0F) << 11
        if authoritative { f |= 0x0400 }
        if truncated { f |= 0x0200 }
        if recursionDesired { f |= 0x0100 }
        f |= UInt16(rcode & 0x0F)
        return f
    }
}

public struct DNSQuestion: Sendable, Equatable {
    public let name: DNSName
    public let type: UInt16
    public let klass: UInt16
    public init(name: DNSName, type: UInt16, klass: UInt16 = DNSClass.in.rawValue) {
        self.name = name
        self.type = type
        self.klass = klass
    }
}

/// A resource record as read: the RDATA kept raw, with its offset in the
/// message (names inside it may point back into the message).
public struct DNSRecord: Sendable, Equatable {
    public let name: DNSName
    public let type: UInt16
    public let klass: UInt16
    public let ttl: UInt32
    public let rdata: [UInt8]
    /// Where the RDATA starts in the message it was read from.
    public let rdataOffset: Int
    /// Where the record starts (TSIG verification cuts the message here).
    public let offset: Int
}

/// Why a message could not be read.
public struct DNSParseError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// A whole message as read.
public struct DNSMessage: Sendable {
    public let header: DNSHeader
    public let questions: [DNSQuestion]
    public let answers: [DNSRecord]
    public let authorities: [DNSRecord]
    public let additionals: [DNSRecord]
    public let bytes: [UInt8]

    /// The TSIG record, when it is the last additional record (where it must be).
    public var tsig: DNSRecord? {
        guard let last = additionals.last, last.type == DNSType.tsig.rawValue else { return nil }
        return last
    }
}

/// Reads DNS messages defensively: every length is checked against what is
/// left, compression pointers must point backwards and at most 64 are
/// followed for one name, so truncated, malformed or looping input is an
/// error, never a crash or a hang.
public struct DNSReader {
    public let bytes: [UInt8]
    public private(set) var offset = 0
    static let maximumPointers = 64

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public static func parse(_ bytes: [UInt8]) throws -> DNSMessage {
        var reader = DNSReader(bytes)
        let header = try reader.readHeader()
        var questions: [DNSQuestion] = []
        // A few records at most in anything this server is asked; a header
        // claiming thousands is read until the bytes run out, then refused.
        for _ in 0..<header.questionCount {
            let name = try reader.readName()
            questions.append(DNSQuestion(name: name, type: try reader.readUInt16(), klass: try reader.readUInt16()))
        }
        func records(_ count: UInt16) throws -> [DNSRecord] {
            var out: [DNSRecord] = []
            for _ in 0..<count { out.append(try reader.readRecord()) }
            return out
        }
        let answers = try records(header.answerCount)
        let authorities = try records(header.authorityCount)
        let additionals = try records(header.additionalCount)
        return DNSMessage(header: header, questions: questions, answers: answers, authorities: authorities, additionals: additionals, bytes: bytes)
    }

    /// Reads the header alone (enough to answer FORMERR with the right id).
    public static func header(of bytes: [UInt8]) -> DNSHeader? {
        var reader = DNSReader(bytes)
        return try? reader.readHeader()
    }

    mutating func need(_ count: Int) throws {
        guard count >= 0, offset + count <= bytes.count else { throw DNSParseError(reason: "message truncated at octet \(offset)") }
    }


    public mutating func readUInt16() throws -> UInt16 {
        try need(2)
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func readUInt32() throws -> UInt32 {
        try need(4)
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    public mutating func readBytes(_ count: Int) throws -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    public mutating func seek(_ position: Int) { offset = position }

    mutating func readHeader() throws -> DNSHeader {
        let id = try readUInt16()
        let flags = try readUInt16()
        return DNSHeader(id: id, isResponse: flags & 0x8000 != 0, opcode: UInt8((flags >> 11) & 0x0F), authoritative: flags & 0x0400 != 0,
                         truncated: flags & 0x0200 != 0, recursionDesired: flags & 0x0100 != 0, rcode: UInt8(flags & 0x0F),
                         questionCount: try readUInt16(), answerCount: try readUInt16(), authorityCount: try readUInt16(),
                         additionalCount: try readUInt16())
    }

    /// A possibly compressed name at the current offset.
    public mutating func readName() throws -> DNSName {
        var labels: [[UInt8]] = []
        var position = offset
        var jumped = false
        var pointers = 0
        var length = 1
        while true {
            guard position < bytes.count else { throw DNSParseError(reason: "name runs past the end of the message") }
            let byte = bytes[position]
            switch byte & 0xC0 {
            case 0x00:
                if byte == 0 {
                    if !jumped { offset = position + 1 }
                    return DNSName(labels: labels)
                }
                let count = Int(byte)
                guard position + 1 + count <= bytes.count else { throw DNSParseError(reason: "label runs past the end of the message") }
                length += 1 + count
                guard length <= 255 else { throw DNSParseError(reason: "name longer than 255 octets") }
                labels.append(Array(bytes[(position + 1)...(position + count)]))
                position += 1 + count
            case 0xC0:
                guard position + 1 < bytes.count else { throw DNSParseError(reason: "compression pointer truncated") }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[position + 1])
                // Only backwards, and not forever: no loops.
                guard target < position else { throw DNSParseError(reason: "compression pointer does not point backwards") }
                pointers += 1
                guard pointers <= Self.maximumPointers else { throw DNSParseError(reason: "too many compression pointers") }
                if !jumped { offset = position + 2 }
                jumped = true
                position = target
            default:
                throw DNSParseError(reason: "unknown label type 0x\(String(byte, radix: 16))")
            }
        }
    }

    mutating func readRecord() throws -> DNSRecord {
        let start = offset
        let name = try readName()
        let type = try readUInt16()
        let klass = try readUInt16()
        let ttl = try readUInt32()
        let length = Int(try readUInt16())
        let rdataOffset = offset
        let rdata = try readBytes(length)
        return DNSRecord(name: name, type: type, klass: klass, ttl: ttl, rdata: rdata, rdataOffset: rdataOffset, offset: start)
    }
}

/// The SOA of a zone.
public struct SOARecord: Sendable, Equatable {
    public var primary: DNSName
    public var mailbox: DNSName
    public var serial: UInt32
    public var refresh: UInt32
    public var retry: UInt32
    public var expire: UInt32
    public var minimum: UInt32

    public init(primary: DNSName, mailbox: DNSName, serial: UInt32, refresh: UInt32, retry: UInt32, expire: UInt32, minimum: UInt32) {
        self.primary = primary
        self.mailbox = mailbox
        self.serial = serial
        self.refresh = refresh
        self.retry = retry
        self.expire = expire
        self.minimum = minimum
    }

    /// The serial of an SOA record read from `message` (its names may be compressed).
    public static func serial(of record: DNSRecord, in message: [UInt8]) throws -> UInt32 {
        var reader = DNSReader(message)
        reader.seek(record.rdataOffset)
        _ = try reader.readName()
        _ = try reader.readName()
        let serial = try reader.readUInt32()
        guard reader.offset + 16 <= record.rdataOffset + record.rdata.count else { throw DNSParseError(reason: "SOA record too short") }
        return serial
    }
}

/// Builds one message, compressing names against those already written.
public struct DNSWriter {
    public private(set) var bytes: [UInt8] = []
    /// Name suffix (its labels from some position) → offset where it was written.
    private var offsets: [ArraySlice<[UInt8]>: Int] = [:]
    public private(set) var answerCount: UInt16 = 0
    public private(set) var authorityCount: UInt16 = 0
    public private(set) var additionalCount: UInt16 = 0

    public init(header: DNSHeader, question: DNSQuestion?) {
        bytes.reserveCapacity(512)
        var h = header
        h.questionCount = question == nil ? 0 : 1
        h.answerCount = 0
        h.authorityCount = 0
        h.additionalCount = 0
        appendHeader(h)
        if let question {
            writeName(question.name)
            append16(question.type)
            append16(question.klass)
        }
    }

    private mutating func appendHeader(_ h: DNSHeader) {
        append16(h.id)
        append16(h.flags)
        append16(h.questionCount)
        append16(h.answerCount)
        append16(h.authorityCount)
        append16(h.additionalCount)
    }

    public var count: Int { bytes.count }

    mutating func append16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    mutating func append32(_ value: UInt32) {
        bytes.append(UInt8(value >> 24))
        bytes.append(UInt8((value >> 16) & 0xFF))
        bytes.append(UInt8((value >> 8) & 0xFF))
        bytes.append(UInt8(value & 0xFF))
    }

    /// Writes `name`, pointing at an earlier copy of its longest known suffix.
    public mutating func writeName(_ name: DNSName, compress: Bool = true) {
        let labels = name.labels
        for index in labels.indices {
            let suffix = labels[index...]
            if compress, let offset = offsets[suffix] {
                append16(0xC000 | UInt16(offset))
                return
            }
            if compress, bytes.count < 0x3FFF { offsets[suffix] = bytes.count }
            bytes.append(UInt8(labels[index].count))
            bytes.append(contentsOf: labels[index])
        }
        bytes.append(0)
    }

    public enum Section { case answer, authority, additional }

    private mutating func counted(_ section: Section) {
        switch section {
        case .answer: answerCount += 1
        case .authority: authorityCount += 1
        case .additional: additionalCount += 1
        }
    }

    /// A record whose RDATA is one name (CNAME, NS).
    public mutating func addNameRecord(_ owner: DNSName, type: DNSType, ttl: UInt32, target: DNSName, section: Section = .answer) {
        writeName(owner)
        appendTypeAndRDATA(type, ttl: ttl) { $0.writeName(target) }
        counted(section)
    }

    public mutating func addSOA(_ owner: DNSName, ttl: UInt32, _ soa: SOARecord, section: Section = .answer) {
        writeName(owner)
        appendTypeAndRDATA(.soa, ttl: ttl) { w in
            w.writeName(soa.primary)
            w.writeName(soa.mailbox)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum] { w.append32(value) }
        }
        counted(section)
    }

    /// After the owner: type, class IN, TTL, and RDATA with its length filled in.
    private mutating func appendTypeAndRDATA(_ type: DNSType, ttl: UInt32, rdata: (inout DNSWriter) -> Void) {
        append16(type.rawValue)
        append16(DNSClass.in.rawValue)
        append32(ttl)
        let lengthAt = bytes.count
        append16(0)
        let start = bytes.count
        rdata(&self)
        setLength(at: lengthAt, bytes.count - start)
    }

    /// A CNAME whose owner is `relative` (dotted ASCII, e.g. `www.example.com`,
    /// optionally behind `*.`) under the zone named by the question at
    /// offset 12 — the transfers' hot path: labels copied, the zone a pointer.
    public mutating func addZoneCNAME(relative: UnsafeBufferPointer<UInt8>, wildcard: Bool, ttl: UInt32, target: DNSName) {
        if wildcard {
            bytes.append(1)
            bytes.append(UInt8(ascii: "*"))
        }
        var start = 0
        for index in 0...relative.count {
            if index == relative.count || relative[index] == UInt8(ascii: ".") {
                bytes.append(UInt8(index - start))
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: relative[start..<index]))
                start = index + 1
            }
        }
        append16(0xC00C)
        appendTypeAndRDATA(.cname, ttl: ttl) { $0.writeName(target) }
        answerCount += 1
    }


    private mutating func setLength(at position: Int, _ length: Int) {
        bytes[position] = UInt8(length >> 8)
        bytes[position + 1] = UInt8(length & 0xFF)
    }

    /// The message with its counts filled in.
    public var finished: [UInt8] {
        var out = bytes
        out[6] = UInt8(answerCount >> 8); out[7] = UInt8(answerCount & 0xFF)
        out[8] = UInt8(authorityCount >> 8); out[9] = UInt8(authorityCount & 0xFF)
        out[10] = UInt8(additionalCount >> 8); out[11] = UInt8(additionalCount & 0xFF)
        return out
    }
}
