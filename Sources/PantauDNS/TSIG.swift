import Crypto
import Foundation

/// A TSIG key (RFC 8945), HMAC-SHA256 only: what BIND's `tsig-keygen`
/// makes by default and what ISPs configure per secondary.
public struct TSIGKey: Sendable, Equatable {
    public let name: DNSName
    public let secret: [UInt8]
    public static let algorithm = DNSName("hmac-sha256")!

    public init(name: DNSName, secret: [UInt8]) {
        self.name = name
        self.secret = secret
    }

    /// `name:base64secret` (as in `PANTAU_DNS_TSIG_KEYS`).
    public init?(spec: String) {
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let name = DNSName(parts[0]), !name.labels.isEmpty,
              let secret = Data(base64Encoded: parts[1]), secret.count >= 16 else { return nil }
        self.init(name: name, secret: Array(secret))
    }

    func mac(_ data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: secret)))
    }
}

public enum TSIGError: UInt16, Sendable {
    case badSig = 16, badKey = 17, badTime = 18
}

/// The fields of a TSIG record's RDATA.
public struct TSIGRecord: Sendable, Equatable {
    public var algorithm: DNSName
    public var timeSigned: UInt64
    public var fudge: UInt16
    public var mac: [UInt8]
    public var originalID: UInt16
    public var error: UInt16
    public var other: [UInt8]

    public static func parse(_ record: DNSRecord, in message: [UInt8]) throws -> TSIGRecord {
        var reader = DNSReader(message)
        reader.seek(record.rdataOffset)
        let algorithm = try reader.readName()
        let high = UInt64(try reader.readUInt16()), low = UInt64(try reader.readUInt32())
        let fudge = try reader.readUInt16()
        let macSize = Int(try reader.readUInt16())
        let mac = try reader.readBytes(macSize)
        let originalID = try reader.readUInt16()
        let error = try reader.readUInt16()
        let other = try reader.readBytes(Int(try reader.readUInt16()))
        guard reader.offset == record.rdataOffset + record.rdata.count else { throw DNSParseError(reason: "TSIG record has trailing octets") }
        return TSIGRecord(algorithm: algorithm, timeSigned: high << 32 | low, fudge: fudge, mac: mac, originalID: originalID, error: error, other: other)
    }

    var rdata: [UInt8] {
        var out = algorithm.wire
        out.append(contentsOf: Self.time48(timeSigned))
        out.append(contentsOf: be16(fudge))
        out.append(contentsOf: be16(UInt16(mac.count)))
        out.append(contentsOf: mac)
        out.append(contentsOf: be16(originalID))
        out.append(contentsOf: be16(error))
        out.append(contentsOf: be16(UInt16(other.count)))
        out.append(contentsOf: other)
        return out
    }

    static func time48(_ t: UInt64) -> [UInt8] { (0..<6).reversed().map { UInt8((t >> (8 * UInt64($0))) & 0xFF) } }
}

func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

/// Verifies signed requests and signs answers, including every message of
/// a multi-message zone transfer (each MAC chained to the one before).
public enum TSIG {
    public static let fudge: UInt16 = 300

    public enum Verification: Sendable {
        /// The request carried no TSIG.
        case unsigned
        case valid(key: TSIGKey, requestMAC: [UInt8])
        /// Refused: answer NOTAUTH with this TSIG error (unsigned unless BADTIME).
        case invalid(TSIGError, keyName: DNSName, algorithm: DNSName)
    }

    /// The variables a MAC covers after the message (RFC 8945 §4.3.3).
    static func variables(keyName: DNSName, algorithm: DNSName, time: UInt64, fudge: UInt16, error: UInt16, other: [UInt8]) -> [UInt8] {
        var out = keyName.wire
        out += be16(DNSClass.any.rawValue)
        out += [0, 0, 0, 0]
        out += algorithm.wire
        out += TSIGRecord.time48(time)
        out += be16(fudge)
        out += be16(error)
        out += be16(UInt16(other.count))
        out += other
        return out
    }

    /// The message as it was before its TSIG record was added: that record
    /// cut off, the additional count one less, the id the original one.
    static func unsigned(_ message: DNSMessage, tsig: DNSRecord, originalID: UInt16) -> [UInt8] {
        var bytes = Array(message.bytes[0..<tsig.offset])
        bytes[0] = UInt8(originalID >> 8); bytes[1] = UInt8(originalID & 0xFF)
        let count = message.header.additionalCount - 1
        bytes[10] = UInt8(count >> 8); bytes[11] = UInt8(count & 0xFF)
        return bytes
    }

    public static func verify(_ message: DNSMessage, keys: [DNSName: TSIGKey], now: UInt64) -> Verification {
        guard let record = message.tsig else { return .unsigned }
        guard let fields = try? TSIGRecord.parse(record, in: message.bytes) else {
            return .invalid(.badSig, keyName: record.name, algorithm: TSIGKey.algorithm)
        }
        guard fields.algorithm == TSIGKey.algorithm, let key = keys[record.name] else {
            return .invalid(.badKey, keyName: record.name, algorithm: fields.algorithm)
        }
        var data = unsigned(message, tsig: record, originalID: fields.originalID)
        data += variables(keyName: key.name, algorithm: fields.algorithm, time: fields.timeSigned, fudge: fields.fudge, error: fields.error, other: fields.other)
        let expected = key.mac(data)
        guard fields.mac.count == expected.count, zip(fields.mac, expected).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else {
            return .invalid(.badSig, keyName: key.name, algorithm: fields.algorithm)
        }
        let skew = now > fields.timeSigned ? now - fields.timeSigned : fields.timeSigned - now
        guard skew <= UInt64(fields.fudge) else { return .invalid(.badTime, keyName: key.name, algorithm: fields.algorithm) }
        return .valid(key: key, requestMAC: fields.mac)
    }

    /// Signs a request (what a client, or a test, sends).
    public static func signRequest(_ message: [UInt8], key: TSIGKey, now: UInt64) -> [UInt8] {
        let id = UInt16(message[0]) << 8 | UInt16(message[1])
        let mac = key.mac(message + variables(keyName: key.name, algorithm: TSIGKey.algorithm, time: now, fudge: fudge, error: 0, other: []))
        return append(to: message, key: key, record: TSIGRecord(algorithm: TSIGKey.algorithm, timeSigned: now, fudge: fudge, mac: mac,
                                                                originalID: id, error: 0, other: []))
    }

    /// Signs the messages of one answer: the first covers the request's MAC
    /// and every variable, each later one the MAC before it and the timers.
    public struct ResponseSigner: Sendable {
        let key: TSIGKey
        var priorMAC: [UInt8]
        var first = true
        let now: UInt64

        public init(key: TSIGKey, requestMAC: [UInt8], now: UInt64) {
            self.key = key
            self.priorMAC = requestMAC
            self.now = now
        }

        public mutating func sign(_ message: [UInt8]) -> [UInt8] {
            var data = be16(UInt16(priorMAC.count)) + priorMAC + message
            if first {
                data += variables(keyName: key.name, algorithm: TSIGKey.algorithm, time: now, fudge: fudge, error: 0, other: [])
            } else {
                data += TSIGRecord.time48(now) + be16(fudge)
            }
            first = false
            let mac = key.mac(data)
            priorMAC = mac
            let id = UInt16(message[0]) << 8 | UInt16(message[1])
            return append(to: message, key: key, record: TSIGRecord(algorithm: TSIGKey.algorithm, timeSigned: now, fudge: fudge, mac: mac,
                                                                    originalID: id, error: 0, other: []))
        }
    }

    /// Checks one message of a signed answer (a client's side; the tests use it).
    public struct ResponseVerifier: Sendable {
        let key: TSIGKey
        var priorMAC: [UInt8]
        var first = true

        public init(key: TSIGKey, requestMAC: [UInt8]) {
            self.key = key
            self.priorMAC = requestMAC
        }

        public mutating func verify(_ message: DNSMessage) -> Bool {
            guard let record = message.tsig, let fields = try? TSIGRecord.parse(record, in: message.bytes) else { return false }
            var data = be16(UInt16(priorMAC.count)) + priorMAC + unsigned(message, tsig: record, originalID: fields.originalID)
            if first {
                data += variables(keyName: key.name, algorithm: fields.algorithm, time: fields.timeSigned, fudge: fields.fudge, error: fields.error, other: fields.other)
            } else {
                data += TSIGRecord.time48(fields.timeSigned) + be16(fields.fudge)
            }
            first = false
            guard key.mac(data) == fields.mac else { return false }
            priorMAC = fields.mac
            return true
        }
    }

    /// The TSIG record appended to `message` (additional count one more).
    static func append(to message: [UInt8], key: TSIGKey, record: TSIGRecord) -> [UInt8] {
        append(to: message, keyName: key.name, record: record)
    }

    static func append(to message: [UInt8], keyName: DNSName, record: TSIGRecord) -> [UInt8] {
        var out = message
        out += keyName.wire
        out += be16(DNSType.tsig.rawValue)
        out += be16(DNSClass.any.rawValue)
        out += [0, 0, 0, 0]
        let rdata = record.rdata
        out += be16(UInt16(rdata.count))
        out += rdata
        let count = (UInt16(out[10]) << 8 | UInt16(out[11])) + 1
        out[10] = UInt8(count >> 8); out[11] = UInt8(count & 0xFF)
        return out
    }

    /// An error answer's TSIG (BADKEY, BADSIG: no MAC; RFC 8945 §5.3.2).
    public static func errorRecord(to message: [UInt8], keyName: DNSName, algorithm: DNSName, error: TSIGError, now: UInt64, originalID: UInt16) -> [UInt8] {
        append(to: message, keyName: keyName,
               record: TSIGRecord(algorithm: algorithm, timeSigned: now, fudge: fudge, mac: [], originalID: originalID, error: error.rawValue, other: []))
    }
}
