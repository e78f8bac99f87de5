import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
@testable import PantauDNS

/// A zone of a few records, its difference given by the test.
/// `snapshotSerial`: the serial of the snapshot a transfer reads, when a
/// publication came between the SOA and the transfer.
struct FixedZone: ZoneProvider {
    var origin = DNSName("rpz.pantau")!
    var serial: UInt32 = 7
    var snapshotSerial: UInt32?
    var records: [ZoneRecord] = [ZoneRecord(relative: Array("judi.example".utf8), wildcard: false, target: .root),
                                 ZoneRecord(relative: Array("slot.example".utf8), wildcard: true, target: .root)]
    var difference: (deleted: [ZoneRecord], added: [ZoneRecord])? = (deleted: [ZoneRecord(relative: Array("lama.example".utf8), wildcard: false, target: .root)],
                                                                     added: [ZoneRecord(relative: Array("baru.example".utf8), wildcard: false, target: .root)])

    static func soa(_ serial: UInt32) -> SOARecord {
        SOARecord(primary: DNSName("localhost")!, mailbox: DNSName("hostmaster.localhost")!, serial: serial, refresh: 300, retry: 60, expire: 604_800, minimum: 60)
    }

    func soa() async throws -> SOARecord { Self.soa(serial) }

    func streamZone(start: (SOARecord, inout [UInt8]) -> Void, emit: (UnsafeBufferPointer<UInt8>, Bool, DNSName, inout [UInt8]) -> Void,
                    write: ([UInt8]) async throws -> Void) async throws -> SOARecord {
        let soa = Self.soa(snapshotSerial ?? serial)
        var out: [UInt8] = []
        start(soa, &out)
        for record in records { record.relative.withUnsafeBufferPointer { emit($0, record.wildcard, record.target, &out) } }
        try await write(out)
        return soa
    }

    func difference(from serial: UInt32) async throws -> ZoneDifference? {
        difference.map { ZoneDifference(soa: Self.soa(snapshotSerial ?? self.serial), deleted: $0.deleted, added: $0.added) }
    }
}

let silent = Logger(label: "dns-test", factory: { _ in SwiftLogNoOpLogHandler() })

func query(_ name: String, type: DNSType, id: UInt16 = 0x4242, opcode: DNSOpcode = .query, clientSerial: UInt32? = nil) -> [UInt8] {
    var writer = DNSWriter(header: DNSHeader(id: id, opcode: opcode.rawValue), question: DNSQuestion(name: DNSName(name)!, type: type.rawValue))
    if let clientSerial {
        writer.addSOA(DNSName(name)!, ttl: 0, SOARecord(primary: .root, mailbox: .root, serial: clientSerial, refresh: 0, retry: 0, expire: 0, minimum: 0),
                      section: .authority)
    }
    return writer.finished
}

/// The messages of an answer (TCP frames split apart).
func answer(_ responder: DNSResponder, _ bytes: [UInt8], from client: String = "127.0.0.1", transport: DNSResponder.Transport) async throws -> [DNSMessage] {
    var sent: [UInt8] = []
    try await responder.respond(to: bytes, client: (IPNetwork.bytes(client)!, client), transport: transport) { sent += $0 }
    guard transport == .tcp else { return sent.isEmpty ? [] : [try DNSReader.parse(sent)] }
    var messages: [DNSMessage] = []
    var offset = 0
    while offset + 2 <= sent.count {
        let length = Int(sent[offset]) << 8 | Int(sent[offset + 1])
        messages.append(try DNSReader.parse(Array(sent[(offset + 2)..<(offset + 2 + length)])))
        offset += 2 + length
    }
    return messages
}

func responder(_ zone: FixedZone = FixedZone(), allow: [String] = ["127.0.0.1"], keys: [TSIGKey] = []) -> DNSResponder {
    DNSResponder(provider: zone, configuration: DNSServerConfiguration(host: "127.0.0.1", port: 0, allowTransfer: allow.compactMap(IPNetwork.init), keys: keys),
                 observer: nil, logger: silent)
}

/// The owners and types of every answer record, in order ("SOA 7", "CNAME judi.example").
func summary(_ messages: [DNSMessage]) throws -> [String] {
    try messages.flatMap { message in
        try message.answers.map { record -> String in
            if record.type == DNSType.soa.rawValue { return "SOA \(try SOARecord.serial(of: record, in: message.bytes))" }
            let owner = record.name.labels.dropLast(2).map { String(decoding: $0, as: UTF8.self) }.joined(separator: ".")
            return (record.type == DNSType.ns.rawValue ? "NS " : "CNAME ") + (owner.isEmpty ? "@" : owner)
        }
    }
}

@Suite struct DNSWireTests {
    @Test func namesRoundTripThroughCompression() throws {
        var writer = DNSWriter(header: DNSHeader(id: 1), question: DNSQuestion(name: DNSName("rpz.pantau")!, type: DNSType.axfr.rawValue))
        writer.addNameRecord(DNSName("www.example.rpz.pantau")!, type: .cname, ttl: 60, target: .root)
        writer.addNameRecord(DNSName("WWW.Example.rpz.pantau.")!, type: .cname, ttl: 60, target: DNSName("blokir.pantau.id")!)
        "judi.example".utf8.withContiguousStorageIfAvailable { writer.addZoneCNAME(relative: $0, wildcard: true, ttl: 60, target: DNSName("blokir.pantau.id")!) }
        let bytes = writer.finished
        let message = try DNSReader.parse(bytes)
        #expect(message.answers.map(\.name.description) == ["www.example.rpz.pantau.", "www.example.rpz.pantau.", "*.judi.example.rpz.pantau."])
        #expect(bytes.count < 120, "the second owner and the zone are pointers: \(bytes.count) octets")
        var reader = DNSReader(bytes)
        reader.seek(message.answers[2].rdataOffset)
        #expect(try reader.readName() == DNSName("blokir.pantau.id"))
        #expect(DNSName("a.b")?.wire == [1, 97, 1, 98, 0] && DNSName(".") == .root && DNSName(String(repeating: "a", count: 64)) == nil)
    }

    @Test func everyCorpusInputIsRefusedOrAnsweredWithoutACrash() async throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".hex") }.sorted()
        #expect(files.count >= 20)
        let server = responder()
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            let bytes = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.flatMap { $0.split(separator: " ") }.compactMap { UInt8($0, radix: 16) }
            for transport in [DNSResponder.Transport.udp, .tcp] {
                let messages = try await answer(server, bytes, transport: transport)
                // Nothing, or one error answer with the request's id.
                #expect(messages.count <= 1, "\(file)")
                if let reply = messages.first, let header = DNSReader.header(of: bytes) {
                    #expect(reply.header.id == header.id && reply.header.isResponse, "\(file)")
                    #expect(reply.header.rcode != DNSRcode.noError.rawValue || file == "ixfr-without-soa", "\(file): \(reply.header.rcode)")
                }
            }
        }
    }

    @Test func truncationsAndBitFlipsNeverCrashTheParser() throws {
        var signed = TSIG.signRequest(query("rpz.pantau", type: .ixfr, clientSerial: 3), key: TSIGKey(spec: "k:" + Data(repeating: 7, count: 32).base64EncodedString())!,
                                      now: 1_800_000_000)
        for length in 0..<signed.count { _ = try? DNSReader.parse(Array(signed[0..<length])) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            var mutated = signed
            for _ in 0..<3 { mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            if let message = try? DNSReader.parse(mutated), let tsig = message.tsig { _ = try? TSIGRecord.parse(tsig, in: mutated) }
        }
        signed[12] = 0xC0; signed[13] = 12
        #expect(throws: DNSParseError.self) { try DNSReader.parse(signed) }
    }

    @Test func transferRightsFollowAddressesAndNetworks() {
        let network = IPNetwork("192.0.2.0/24")!
        #expect(network.contains(IPNetwork.bytes("192.0.2.200")!) && !network.contains(IPNetwork.bytes("192.0.3.1")!))
        #expect(IPNetwork("2001:db8::/32")!.contains(IPNetwork.bytes("2001:db8:1::5")!))
        #expect(IPNetwork("127.0.0.1")!.contains(IPNetwork.bytes("::ffff:127.0.0.1")!), "IPv4-mapped is IPv4")
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("not-an-address") == nil)
    }
}

@Suite struct DNSResponderTests {
    @Test func soaAndNSAreAnsweredAuthoritativelyEverythingElseRefused() async throws {
        let server = responder()
        let soa = try await answer(server, query("rpz.pantau", type: .soa), transport: .udp)
        let soaRecords = try summary(soa)
        #expect(soa.count == 1 && soa[0].header.authoritative && soa[0].header.id == 0x4242 && soaRecords == ["SOA 7"])
        #expect(try summary(try await answer(server, query("rpz.pantau", type: .ns), transport: .udp)) == ["NS @"])
        let outside = try await answer(server, query("example.com", type: .a), transport: .udp)
        #expect(outside[0].header.rcode == DNSRcode.refused.rawValue)
        let inside = try await answer(server, query("judi.example.rpz.pantau", type: .a), transport: .udp)
        #expect(inside[0].header.rcode == DNSRcode.refused.rawValue, "records are served by transfer, not by query")
        let notify = try await answer(server, query("rpz.pantau", type: .soa, opcode: .notify), transport: .udp)
        #expect(notify[0].header.rcode == DNSRcode.notImp.rawValue)
    }

    @Test func eachZoneIsAnsweredFromItsOwnProviderAndEachTransferLoggedUnderItsName() async throws {
        var recent = FixedZone()
        recent.origin = DNSName("recent.pantau")!
        recent.serial = 12
        recent.records = [ZoneRecord(relative: Array("baru.example".utf8), wildcard: false, target: DNSName("rpz-passthru")!)]
        let log = RecordingObserver()
        let server = DNSResponder(providers: [recent, FixedZone()], configuration: DNSServerConfiguration(
            host: "127.0.0.1", port: 0, allowTransfer: [IPNetwork("127.0.0.1")!]), observer: log, logger: silent)
        #expect(try summary(try await answer(server, query("recent.pantau", type: .soa), transport: .udp)) == ["SOA 12"])
        #expect(try summary(try await answer(server, query("rpz.pantau", type: .soa), transport: .udp)) == ["SOA 7"])
        #expect(try summary(try await answer(server, query("recent.pantau", type: .axfr), transport: .tcp)) == ["SOA 12", "NS @", "CNAME baru.example", "SOA 12"])
        #expect(try summary(try await answer(server, query("rpz.pantau", type: .axfr), transport: .tcp))
                == ["SOA 7", "NS @", "CNAME judi.example", "CNAME *.slot.example", "SOA 7"])
        #expect(try await answer(server, query("other.pantau", type: .soa), transport: .udp)[0].header.rcode == DNSRcode.refused.rawValue)
        #expect(log.seen.withLockedValue { $0 } == ["recent.pantau 12 AXFR", "rpz.pantau 7 AXFR"])
    }

    @Test func axfrIsTheWholeZoneBetweenTwoSOAsOverTCPOnly() async throws {
        let server = responder()
        let messages = try await answer(server, query("rpz.pantau", type: .axfr), transport: .tcp)
        #expect(try summary(messages) == ["SOA 7", "NS @", "CNAME judi.example", "CNAME *.slot.example", "SOA 7"])
        let udp = try await answer(server, query("rpz.pantau", type: .axfr), transport: .udp)
        #expect(udp[0].header.rcode == DNSRcode.formErr.rawValue)
        let stranger = try await answer(server, query("rpz.pantau", type: .axfr), from: "192.0.2.9", transport: .tcp)
        #expect(stranger.count == 1 && stranger[0].header.rcode == DNSRcode.refused.rawValue && stranger[0].answers.isEmpty)
    }

    @Test func aLargeZoneIsSplitIntoMessagesOfBoundedSize() async throws {
        var zone = FixedZone()
        zone.records = (0..<5_000).map { ZoneRecord(relative: Array("situs-\($0).judi.example".utf8), wildcard: false, target: .root) }
        let messages = try await answer(responder(zone), query("rpz.pantau", type: .axfr), transport: .tcp)
        #expect(messages.count > 3 && messages.allSatisfy { $0.bytes.count <= 16_500 })
        let names = try summary(messages)
        #expect(names.count == 5_003 && names.first == "SOA 7" && names.last == "SOA 7" && names[2] == "CNAME situs-0.judi.example")
    }

    @Test func ixfrAnswersTheDifferenceTheCurrentSOAWhenUpToDateAndTheZoneWhenItCannot() async throws {
        let server = responder()
        let ixfr = try await answer(server, query("rpz.pantau", type: .ixfr, clientSerial: 5), transport: .tcp)
        #expect(try summary(ixfr) == ["SOA 7", "SOA 5", "CNAME lama.example", "SOA 7", "CNAME baru.example", "SOA 7"])
        let udp = try await answer(server, query("rpz.pantau", type: .ixfr, clientSerial: 5), transport: .udp)
        #expect(try summary(udp) == ["SOA 7", "SOA 5", "CNAME lama.example", "SOA 7", "CNAME baru.example", "SOA 7"], "small enough for a datagram")
        #expect(try summary(try await answer(server, query("rpz.pantau", type: .ixfr, clientSerial: 7), transport: .tcp)) == ["SOA 7"])
        var big = FixedZone()
        big.difference = (deleted: [], added: (0..<200).map { ZoneRecord(relative: Array("situs-\($0).example".utf8), wildcard: false, target: .root) })
        #expect(try summary(try await answer(responder(big), query("rpz.pantau", type: .ixfr, clientSerial: 5), transport: .udp)) == ["SOA 7"],
                "too big for UDP: the SOA alone sends the client to TCP")
        var unknown = FixedZone()
        unknown.difference = nil
        #expect(try summary(try await answer(responder(unknown), query("rpz.pantau", type: .ixfr, clientSerial: 2), transport: .tcp))
                == ["SOA 7", "NS @", "CNAME judi.example", "CNAME *.slot.example", "SOA 7"], "the change log cannot say: the whole zone")
    }

    @Test func aTransferCarriesTheSerialOfTheSnapshotItsRecordsCameFrom() async throws {
        // A publication lands between the SOA read and the transfer's snapshot.
        var zone = FixedZone()
        zone.snapshotSerial = 8
        let axfr = try await answer(responder(zone), query("rpz.pantau", type: .axfr), transport: .tcp)
        #expect(try summary(axfr) == ["SOA 8", "NS @", "CNAME judi.example", "CNAME *.slot.example", "SOA 8"])
        let ixfr = try await answer(responder(zone), query("rpz.pantau", type: .ixfr, clientSerial: 5), transport: .tcp)
        #expect(try summary(ixfr) == ["SOA 8", "SOA 5", "CNAME lama.example", "SOA 8", "CNAME baru.example", "SOA 8"])
        zone.difference = nil
        let whole = try await answer(responder(zone), query("rpz.pantau", type: .ixfr, clientSerial: 2), transport: .tcp)
        #expect(try summary(whole).first == "SOA 8" && summary(whole).last == "SOA 8")
    }

    @Test func tsigSignsEveryMessageAndRefusesBadKeysSignaturesAndTimes() async throws {
        let key = TSIGKey(spec: "isp-a:" + Data((0..<32).map { UInt8($0) }).base64EncodedString())!
        var zone = FixedZone()
        zone.records = (0..<3_000).map { ZoneRecord(relative: Array("situs-\($0).example".utf8), wildcard: false, target: .root) }
        let server = responder(zone, allow: [], keys: [key])
        let now = UInt64(Date().timeIntervalSince1970)
        let request = TSIG.signRequest(query("rpz.pantau", type: .axfr), key: key, now: now)
        guard case .valid(_, let requestMAC) = TSIG.verify(try DNSReader.parse(request), keys: [key.name: key], now: now) else {
            Issue.record("a signed request verifies")
            return
        }
        let messages = try await answer(server, request, from: "192.0.2.9", transport: .tcp)
        let records = try summary(messages)
        #expect(messages.count > 1 && records.count == 3_003, "the key alone allows the transfer")
        var verifier = TSIG.ResponseVerifier(key: key, requestMAC: requestMAC)
        var verified = 0
        for message in messages where verifier.verify(message) { verified += 1 }
        #expect(verified == messages.count, "every message signed, each MAC chained to the one before")
        var tampered = request
        tampered[tampered.count - 20] ^= 0xFF
        for (bytes, error) in [(tampered, TSIGError.badSig),
                               (TSIG.signRequest(query("rpz.pantau", type: .axfr), key: TSIGKey(spec: "isp-b:" + Data(repeating: 1, count: 32).base64EncodedString())!, now: now), .badKey),
                               (TSIG.signRequest(query("rpz.pantau", type: .axfr), key: key, now: now - 3_600), .badTime)] {
            let refused = try await answer(server, bytes, from: "192.0.2.9", transport: .tcp)
            #expect(refused.count == 1 && refused[0].header.rcode == DNSRcode.notAuth.rawValue && refused[0].answers.isEmpty)
            let fields = try TSIGRecord.parse(try #require(refused[0].tsig), in: refused[0].bytes)
            #expect(fields.error == error.rawValue, "\(error)")
        }
        let unsigned = try await answer(server, query("rpz.pantau", type: .axfr), from: "192.0.2.9", transport: .tcp)
        #expect(unsigned[0].header.rcode == DNSRcode.refused.rawValue, "no key, no listed address: refused")
    }

    @Test func serialsCompareAcrossTheWrap() {
        #expect(Serial.isNewer(2, than: 1) && !Serial.isNewer(1, than: 2) && Serial.isNewer(1, than: UInt32.max) && !Serial.isNewer(5, than: 5))
    }

    @Test func tcpConnectionsAreLimitedPerClientAndClosedWhenIdle() async throws {
        var configuration = DNSServerConfiguration(host: "127.0.0.1", port: 0, allowTransfer: [IPNetwork("127.0.0.1")!])
        configuration.tcpConnectionsPerClient = 3
        configuration.tcpIdleTimeout = .seconds(2)
        let server = DNSServer(provider: FixedZone(), configuration: configuration, logger: silent)
        let (bound, boundTo) = AsyncStream<Int>.makeStream()
        let running = Task { try await server.run(onBound: { boundTo.yield($0) }) }
        defer { running.cancel() }
        var ports = bound.makeAsyncIterator()
        let port = try #require(await ports.next())
        let soa = query("rpz.pantau", type: .soa)
        let outcome = await offThread { () -> (held: Bool, fourth: Bool, again: Bool, idleClosed: Bool, idleAfter: TimeInterval) in
            let held = (0..<3).compactMap { _ in TCPClient(port: port) }
            let answered = held.count == 3 && held.allSatisfy { $0.exchange(soa) != nil }
            let fourth = TCPClient(port: port)
            let fourthRefused = fourth?.exchange(soa) == nil
            fourth?.close()
            // One of the three leaves: a new connection is let in again.
            held[0].close()
            var again = false
            for _ in 0..<20 where !again {
                usleep(100_000)
                if let next = TCPClient(port: port) {
                    again = next.exchange(soa) != nil
                    next.close()
                }
            }
            // A connection that sends nothing more is closed after the idle time.
            let start = Date()
            let idleClosed = held[1].closedByServer()
            let idleAfter = Date().timeIntervalSince(start)
            held.dropFirst().forEach { $0.close() }
            return (answered, fourthRefused, again, idleClosed, idleAfter)
        }
        #expect(outcome.held, "three connections from one address are served")
        #expect(outcome.fourth, "the fourth at once is closed without an answer")
        #expect(outcome.again, "once one closes, another is served")
        #expect(outcome.idleClosed && outcome.idleAfter < 5, "an idle connection is closed (after \(outcome.idleAfter) s)")
    }
}

/// Runs blocking socket work on a thread of its own, off the cooperative pool the server needs.
func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: work()) }.start()
    }
}

/// A plain blocking TCP client for the server tests (reads give up after 6 s).
/// Closes its descriptor once: closing a number twice would close whatever
/// the process opened under it since (another test's database file).
final class TCPClient: Sendable {
    let descriptor: Int32
    private let closed = NIOLockedValueBox(false)

    init?(port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(); return nil }  // (deinit would close it as well: once only)
        var timeout = timeval(tv_sec: 6, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// One framed query; the answer, or nil when the server closed the connection.
    func exchange(_ message: [UInt8]) -> [UInt8]? {
        let frame = [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message
        guard frame.withUnsafeBytes({ send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == frame.count,
              let head = read(2) else { return nil }
        return read(Int(head[0]) << 8 | Int(head[1]))
    }

    private func read(_ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + done, count - done, 0) }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }

    /// Waits for the server to close the connection: true when it did (not a read timeout).
    func closedByServer() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) == 0
    }

    func close() {
        let first = closed.withLockedValue { wasClosed in
            defer { wasClosed = true }
            return !wasClosed
        }
        if first { Glibc.close(descriptor) }
    }

    deinit { close() }
}

/// Remembers each transfer as "zone serial kind".
final class RecordingObserver: TransferObserver {
    let seen = NIOLockedValueBox<[String]>([])
    func transferred(client: String, keyName: String?, zone: String, serial: UInt32, kind: String, bytes: Int) async {
        seen.withLockedValue { $0.append("\(zone) \(serial) \(kind)") }
    }
}
