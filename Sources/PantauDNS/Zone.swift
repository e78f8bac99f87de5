import Foundation
import NIOCore

/// A record of the zone below its apex: an owner relative to the zone
/// (dotted ASCII, lower case), possibly behind `*.`, and its CNAME target.
public struct ZoneRecord: Sendable, Hashable {
    public let relative: [UInt8]
    public let wildcard: Bool
    public let target: DNSName

    public init(relative: [UInt8], wildcard: Bool, target: DNSName) {
        self.relative = relative
        self.wildcard = wildcard
        self.target = target
    }

    public var ownerText: String { (wildcard ? "*." : "") + String(decoding: relative, as: UTF8.self) }
}

/// What changed from a client's serial to the serial of `soa`, as the
/// records to delete and to add.
public struct ZoneDifference: Sendable {
    public let soa: SOARecord
    public let deleted: [ZoneRecord]
    public let added: [ZoneRecord]

    public init(soa: SOARecord, deleted: [ZoneRecord], added: [ZoneRecord]) {
        self.soa = soa
        self.deleted = deleted
        self.added = added
    }
}

/// Where the zone's content comes from (the blocklist, in Pantau).
public protocol ZoneProvider: Sendable {
    var origin: DNSName { get }
    /// The zone's SOA now (its serial the latest publication).
    func soa() async throws -> SOARecord
    /// The whole zone as of one moment, streamed. `start` is given that
    /// moment's SOA before any record (a transfer opens with it, and closes
    /// with the SOA returned, the same one); `emit` appends one record to
    /// the bytes it is given, and `write` sends bytes on when the provider's
    /// buffer is full, so memory stays bounded.
    func streamZone(start: (_ soa: SOARecord, _ out: inout [UInt8]) -> Void,
                    emit: (_ relative: UnsafeBufferPointer<UInt8>, _ wildcard: Bool, _ target: DNSName, _ out: inout [UInt8]) -> Void,
                    write: ([UInt8]) async throws -> Void) async throws -> SOARecord
    /// The difference from `serial` to the latest serial (named by the
    /// answer's SOA), or nil when the change log cannot express it (the
    /// client is older than the history, or a bulk import lies between):
    /// then the answer is the whole zone.
    func difference(from serial: UInt32) async throws -> ZoneDifference?
}

/// Told of every completed transfer (Pantau keeps the last serial per ISP).
public protocol TransferObserver: Sendable {
    /// `zone`: the zone's name as written (`rpz.example.`'s "rpz.example").
    func transferred(client: String, keyName: String?, zone: String, serial: UInt32, kind: String, bytes: Int) async
}

/// Writes the answer to a zone transfer as TCP-framed messages of at most
/// `messageLimit` octets each, signing each one when the request was signed.
public final class TransferEncoder {
    let id: UInt16
    let question: DNSQuestion
    let messageLimit: Int
    var signer: TSIG.ResponseSigner?
    private var writer: DNSWriter
    private var hasRecords = false
    public private(set) var octets = 0

    public init(id: UInt16, question: DNSQuestion, signer: TSIG.ResponseSigner?, messageLimit: Int = 16_000) {
        self.id = id
        self.question = question
        self.signer = signer
        self.messageLimit = messageLimit
        writer = Self.newWriter(id: id, question: question)
    }

    static func newWriter(id: UInt16, question: DNSQuestion) -> DNSWriter {
        DNSWriter(header: DNSHeader(id: id, isResponse: true, opcode: DNSOpcode.query.rawValue, authoritative: true), question: question)
    }

    private func finishMessage(into out: inout [UInt8]) {
        var message = writer.finished
        if var signer {
            message = signer.sign(message)
            self.signer = signer
        }
        out.append(UInt8(message.count >> 8))
        out.append(UInt8(message.count & 0xFF))
        out.append(contentsOf: message)
        octets += message.count + 2
        writer = Self.newWriter(id: id, question: question)
        hasRecords = false
    }

    private func roomCheck(into out: inout [UInt8]) {
        if hasRecords && writer.count >= messageLimit { finishMessage(into: &out) }
    }

    public func addSOA(_ soa: SOARecord, origin: DNSName, ttl: UInt32, into out: inout [UInt8]) {
        roomCheck(into: &out)
        writer.addSOA(origin, ttl: ttl, soa)
        hasRecords = true
    }

    public func addNS(_ origin: DNSName, target: DNSName, ttl: UInt32, into out: inout [UInt8]) {
        roomCheck(into: &out)
        writer.addNameRecord(origin, type: .ns, ttl: ttl, target: target)
        hasRecords = true
    }

    public func add(relative: UnsafeBufferPointer<UInt8>, wildcard: Bool, target: DNSName, ttl: UInt32, into out: inout [UInt8]) {
        roomCheck(into: &out)
        writer.addZoneCNAME(relative: relative, wildcard: wildcard, ttl: ttl, target: target)
        hasRecords = true
    }

    public func add(_ record: ZoneRecord, ttl: UInt32, into out: inout [UInt8]) {
        record.relative.withUnsafeBufferPointer { add(relative: $0, wildcard: record.wildcard, target: record.target, ttl: ttl, into: &out) }
    }

    /// Closes the last message.
    public func finish(into out: inout [UInt8]) {
        if hasRecords { finishMessage(into: &out) }
    }
}
