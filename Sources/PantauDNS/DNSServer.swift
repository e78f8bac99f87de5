import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// How the DNS server runs and whom it serves.
public struct DNSServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Networks that may transfer the zone without TSIG (Unbound 1.17 has none).
    public var allowTransfer: [IPNetwork]
    /// Keys a secondary may sign its requests with (then its address does not matter).
    public var keys: [TSIGKey]
    /// Secondaries told of every new serial (NOTIFY, RFC 1996), `host:port`.
    public var notify: [String]
    /// The largest UDP answer sent (larger IXFR answers: the SOA alone, so the client asks over TCP).
    public var maximumUDPSize = 1232
    /// How often the zone's serial is looked at for NOTIFY.
    public var pollInterval: Duration = .milliseconds(50)
    public var ttl: UInt32 = 60
    /// TCP connections one address may hold at once; more are closed at
    /// once (one stuck or hostile client cannot take every connection).
    public var tcpConnectionsPerClient = 8
    /// TCP connections held at once in all.
    public var tcpConnections = 512
    /// A TCP connection on which nothing was read or written for this long
    /// is closed (a transfer in progress writes all the time; a client that
    /// stops reading it stops the writes too).
    public var tcpIdleTimeout: TimeAmount = .seconds(30)

    public init(host: String, port: Int, allowTransfer: [IPNetwork] = [], keys: [TSIGKey] = [], notify: [String] = []) {
        self.host = host
        self.port = port
        self.allowTransfer = allowTransfer
        self.keys = keys
        self.notify = notify
    }
}

/// Answers one request. Separate from the sockets, so tests can drive it
/// with raw bytes (the fuzz corpus among them). It is authoritative for
/// each of its zones (the blocklist as one zone, or as a base and a recent
/// zone) and refuses every other name.
public struct DNSResponder: Sendable {
    public let providers: [any ZoneProvider]
    public let configuration: DNSServerConfiguration
    public let observer: (any TransferObserver)?
    let logger: Logger
    let keys: [DNSName: TSIGKey]

    public init(providers: [any ZoneProvider], configuration: DNSServerConfiguration, observer: (any TransferObserver)?, logger: Logger) {
        precondition(!providers.isEmpty, "a DNS primary serves at least one zone")
        self.providers = providers
        self.configuration = configuration
        self.observer = observer
        self.logger = logger
        keys = Dictionary(configuration.keys.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public init(provider: any ZoneProvider, configuration: DNSServerConfiguration, observer: (any TransferObserver)?, logger: Logger) {
        self.init(providers: [provider], configuration: configuration, observer: observer, logger: logger)
    }

    /// The zone whose apex is `name`.
    func provider(for name: DNSName) -> (any ZoneProvider)? {
        providers.first { $0.origin == name }
    }

    public enum Transport: Sendable { case udp, tcp }

    static let nsTarget = DNSName("localhost")!

    /// Answers `bytes` from `client` (its address octets and text), sending
    /// each message through `send` (TCP messages framed with their length).
    /// Malformed input never throws: it is answered FORMERR, or dropped.
    public func respond(to bytes: [UInt8], client: (address: [UInt8], text: String), transport: Transport,
                        send: ([UInt8]) async throws -> Void) async throws {
        let frame: ([UInt8]) -> [UInt8] = { message in
            transport == .tcp ? [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message : message
        }
        func plain(_ header: DNSHeader, _ rcode: DNSRcode, question: DNSQuestion?) -> [UInt8] {
            var h = header
            h.isResponse = true
            h.rcode = rcode.rawValue
            h.authoritative = false
            h.truncated = false
            return DNSWriter(header: h, question: question).finished
        }
        let message: DNSMessage
        do {
            message = try DNSReader.parse(bytes)
        } catch {
            // A response to nothing, or not even a header: drop it.
            guard let header = DNSReader.header(of: bytes), !header.isResponse else { return }
            try await send(frame(plain(header, .formErr, question: nil)))
            return
        }
        let header = message.header
        if header.isResponse { return }
        guard header.opcode == DNSOpcode.query.rawValue else {
            try await send(frame(plain(header, .notImp, question: message.questions.first)))
            return
        }
        guard message.questions.count == 1, let question = message.questions.first else {
            try await send(frame(plain(header, .formErr, question: nil)))
            return
        }
        let now = UInt64(Date().timeIntervalSince1970)
        var signer: TSIG.ResponseSigner?
        var keyName: String?
        switch TSIG.verify(message, keys: keys, now: now) {
        case .unsigned:
            break
        case .valid(let key, let mac):
            signer = TSIG.ResponseSigner(key: key, requestMAC: mac, now: now)
            keyName = key.name.description
        case .invalid(let error, let name, let algorithm):
            logger.notice("dns request with a bad TSIG refused", metadata: ["client": "\(client.text)", "key": "\(name)", "error": "\(error)"])
            let answer = TSIG.errorRecord(to: plain(header, .notAuth, question: question), keyName: name, algorithm: algorithm, error: error,
                                          now: now, originalID: header.id)
            try await send(frame(answer))
            return
        }
        func signed(_ bytes: [UInt8]) -> [UInt8] {
            guard var s = signer else { return bytes }
            defer { signer = s }
            return s.sign(bytes)
        }
        guard let provider = provider(for: question.name), question.klass == DNSClass.in.rawValue || question.klass == DNSClass.any.rawValue else {
            // Authoritative for its zones only.
            try await send(frame(signed(plain(header, .refused, question: question))))
            return
        }
        let origin = provider.origin
        let zone = String(origin.description.dropLast())
        let soa = try await provider.soa()
        let ttl = configuration.ttl
        switch question.type {
        case DNSType.soa.rawValue, DNSType.ns.rawValue:
            var writer = DNSWriter(header: DNSHeader(id: header.id, isResponse: true, authoritative: true, recursionDesired: header.recursionDesired), question: question)
            if question.type == DNSType.soa.rawValue { writer.addSOA(origin, ttl: ttl, soa) } else { writer.addNameRecord(origin, type: .ns, ttl: ttl, target: Self.nsTarget) }
            try await send(frame(signed(writer.finished)))
        case DNSType.axfr.rawValue, DNSType.ixfr.rawValue:
            let allowed = signer != nil || configuration.allowTransfer.contains { $0.contains(client.address) }
            guard allowed else {
                logger.notice("zone transfer refused", metadata: ["client": "\(client.text)", "type": "\(question.type == DNSType.axfr.rawValue ? "AXFR" : "IXFR")"])
                try await send(frame(signed(plain(header, .refused, question: question))))
                return
            }
            let identity = keyName ?? client.text
            if question.type == DNSType.axfr.rawValue {
                guard transport == .tcp else {
                    try await send(frame(signed(plain(header, .formErr, question: question))))
                    return
                }
                let (octets, sent) = try await axfr(provider, header: header, question: question, signer: signer, send: send)
                await observer?.transferred(client: identity, keyName: keyName, zone: zone, serial: sent, kind: "AXFR", bytes: octets)
                return
            }
            // IXFR: the client's SOA is in the authority section.
            guard let theirs = message.authorities.first(where: { $0.type == DNSType.soa.rawValue }),
                  let serial = try? SOARecord.serial(of: theirs, in: message.bytes) else {
                try await send(frame(signed(plain(header, .formErr, question: question))))
                return
            }
            let current = soa.serial
            if !Serial.isNewer(current, than: serial) {
                // Up to date: the current SOA alone.
                var writer = DNSWriter(header: DNSHeader(id: header.id, isResponse: true, authoritative: true), question: question)
                writer.addSOA(origin, ttl: ttl, soa)
                try await send(frame(signed(writer.finished)))
                return
            }
            guard let difference = try await provider.difference(from: serial) else {
                if transport == .udp {
                    try await send(signed(soaOnly(provider, header: header, question: question, soa: soa)))
                    return
                }
                logger.info("IXFR answered with the whole zone", metadata: ["client": "\(identity)", "from": "\(serial)", "to": "\(current)"])
                let (octets, sent) = try await axfr(provider, header: header, question: question, signer: signer, send: send)
                await observer?.transferred(client: identity, keyName: keyName, zone: zone, serial: sent, kind: "AXFR", bytes: octets)
                return
            }
            // The increment leads to its own SOA (a publication may have come since `soa`).
            let new = difference.soa
            var old = new
            old.serial = serial
            let encoder = TransferEncoder(id: header.id, question: question, signer: signer,
                                          messageLimit: transport == .udp ? Int.max : 16_000)
            var out: [UInt8] = []
            encoder.addSOA(new, origin: origin, ttl: ttl, into: &out)
            encoder.addSOA(old, origin: origin, ttl: ttl, into: &out)
            for record in difference.deleted { encoder.add(record, ttl: ttl, into: &out) }
            encoder.addSOA(new, origin: origin, ttl: ttl, into: &out)
            for record in difference.added { encoder.add(record, ttl: ttl, into: &out) }
            encoder.addSOA(new, origin: origin, ttl: ttl, into: &out)
            encoder.finish(into: &out)
            if transport == .udp {
                // Unframed; too big for a datagram → the SOA alone (RFC 1995 §2).
                let message = Array(out.dropFirst(2))
                if message.count > configuration.maximumUDPSize {
                    try await send(signed(soaOnly(provider, header: header, question: question, soa: new)))
                } else {
                    try await send(message)
                    await observer?.transferred(client: identity, keyName: keyName, zone: zone, serial: new.serial, kind: "IXFR", bytes: message.count)
                }
                return
            }
            try await send(out)
            await observer?.transferred(client: identity, keyName: keyName, zone: zone, serial: new.serial, kind: "IXFR", bytes: encoder.octets)
        default:
            try await send(frame(signed(plain(header, .refused, question: question))))
        }
    }

    private func soaOnly(_ provider: any ZoneProvider, header: DNSHeader, question: DNSQuestion, soa: SOARecord) -> [UInt8] {
        var writer = DNSWriter(header: DNSHeader(id: header.id, isResponse: true, authoritative: true), question: question)
        writer.addSOA(provider.origin, ttl: configuration.ttl, soa)
        return writer.finished
    }

    /// The whole zone: SOA, NS, every record, SOA — streamed from one
    /// snapshot of storage, opened and closed by that snapshot's SOA.
    /// Returns the octets sent and the serial.
    private func axfr(_ provider: any ZoneProvider, header: DNSHeader, question: DNSQuestion, signer: TSIG.ResponseSigner?,
                      send: ([UInt8]) async throws -> Void) async throws -> (octets: Int, serial: UInt32) {
        let origin = provider.origin, ttl = configuration.ttl
        let encoder = TransferEncoder(id: header.id, question: question, signer: signer)
        let soa = try await provider.streamZone(start: { soa, out in
            encoder.addSOA(soa, origin: origin, ttl: ttl, into: &out)
            encoder.addNS(origin, target: Self.nsTarget, ttl: ttl, into: &out)
        }, emit: { relative, wildcard, target, out in
            encoder.add(relative: relative, wildcard: wildcard, target: target, ttl: ttl, into: &out)
        }, write: send)
        var tail: [UInt8] = []
        encoder.addSOA(soa, origin: origin, ttl: ttl, into: &tail)
        encoder.finish(into: &tail)
        try await send(tail)
        return (encoder.octets, soa.serial)
    }
}

/// Serial number arithmetic (RFC 1982).
public enum Serial {
    public static func isNewer(_ a: UInt32, than b: UInt32) -> Bool {
        a != b && (a &- b) < 0x8000_0000
    }
}

/// The server: UDP and TCP on one address, NOTIFY on every new serial.
public struct DNSServer: Sendable {
    public let responder: DNSResponder
    let logger: Logger

    public init(provider: any ZoneProvider, configuration: DNSServerConfiguration, observer: (any TransferObserver)? = nil, logger: Logger) {
        self.init(providers: [provider], configuration: configuration, observer: observer, logger: logger)
    }

    public init(providers: [any ZoneProvider], configuration: DNSServerConfiguration, observer: (any TransferObserver)? = nil, logger: Logger) {
        responder = DNSResponder(providers: providers, configuration: configuration, observer: observer, logger: logger)
        self.logger = logger
    }

    /// Binds both sockets, then serves until cancelled; `onBound` is told
    /// the port (useful with port 0).
    public func run(onBound: @Sendable (Int) -> Void = { _ in }) async throws {
        let configuration = responder.configuration
        let group = MultiThreadedEventLoopGroup.singleton
        let udp = try await DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                }
            }
        let port = udp.channel.localAddress?.port ?? configuration.port
        let tcp = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: configuration.host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([IdleStateHandler(allTimeout: configuration.tcpIdleTimeout), CloseWhenIdle()])
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        logger.info("dns server listening", metadata: ["address": "\(configuration.host):\(port)", "zones": "\(responder.providers.map(\.origin.description).joined(separator: ","))",
                                                       "notify": "\(configuration.notify.joined(separator: ","))"])
        onBound(port)
        // One notifier per zone: each tells the secondaries of its own new serials.
        let notifiers = responder.providers.map {
            Notifier(provider: $0, targets: configuration.notify, pollInterval: configuration.pollInterval, logger: logger)
        }
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await serveUDP(udp) }
            tasks.addTask { try await serveTCP(tcp) }
            for notifier in notifiers { tasks.addTask { await notifier.run() } }
        }
    }

    private func serveUDP(_ channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>) async throws {
        try await channel.executeThenClose { inbound, outbound in
            for try await envelope in inbound {
                let address = envelope.remoteAddress
                let client = (address: address.ipAddress.flatMap(IPNetwork.bytes) ?? [], text: address.ipAddress ?? "?")
                do {
                    try await responder.respond(to: Array(buffer: envelope.data), client: client, transport: .udp) { bytes in
                        try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes)))
                    }
                } catch {
                    logger.error("dns udp answer failed", metadata: ["client": "\(client.text)", "error": "\(error)"])
                }
            }
        }
    }

    private func serveTCP(_ server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>) async throws {
        let configuration = responder.configuration
        let admission = TCPAdmission(perClient: configuration.tcpConnectionsPerClient, total: configuration.tcpConnections)
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { connections in
                for try await connection in inbound {
                    let client = connection.channel.remoteAddress?.ipAddress ?? "?"
                    guard admission.admit(client) else {
                        logger.notice("dns tcp connection refused: too many at once", metadata: ["client": "\(client)"])
                        // Closed unanswered (through the channel's own close, which NIO requires).
                        try? await connection.executeThenClose { _, _ in }
                        continue
                    }
                    connections.addTask {
                        defer { admission.release(client) }
                        do { try await serveConnection(connection) } catch {
                            logger.debug("dns tcp connection ended", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    /// Length-prefixed messages, answered in order; a connection that
    /// sends an impossible frame is closed.
    private func serveConnection(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        let address = connection.channel.remoteAddress
        let client = (address: address?.ipAddress.flatMap(IPNetwork.bytes) ?? [], text: address?.ipAddress ?? "?")
        try await connection.executeThenClose { inbound, outbound in
            var pending: [UInt8] = []
            for try await buffer in inbound {
                pending.append(contentsOf: buffer.readableBytesView)
                while pending.count >= 2 {
                    let length = Int(pending[0]) << 8 | Int(pending[1])
                    guard length >= 12 else { return }
                    guard pending.count >= 2 + length else { break }
                    let message = Array(pending[2..<(2 + length)])
                    pending.removeFirst(2 + length)
                    try await responder.respond(to: message, client: client, transport: .tcp) { bytes in
                        try await outbound.write(ByteBuffer(bytes: bytes))
                    }
                }
                // A peer that never completes a frame holds at most one message.
                if pending.count > 2 + 65_535 { return }
            }
        }
    }
}

/// Counts the TCP connections held, per client address and in all.
final class TCPAdmission: Sendable {
    private let perClient: Int
    private let total: Int
    private let held = NIOLockedValueBox((total: 0, byClient: [String: Int]()))

    init(perClient: Int, total: Int) {
        self.perClient = perClient
        self.total = total
    }

    func admit(_ client: String) -> Bool {
        held.withLockedValue { held in
            guard held.total < total, held.byClient[client, default: 0] < perClient else { return false }
            held.total += 1
            held.byClient[client, default: 0] += 1
            return true
        }
    }

    func release(_ client: String) {
        held.withLockedValue { held in
            held.total -= 1
            let left = held.byClient[client, default: 1] - 1
            held.byClient[client] = left > 0 ? left : nil
        }
    }
}

/// Closes a connection when `IdleStateHandler` says nothing moved for too long.
final class CloseWhenIdle: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}

/// Sends NOTIFY (RFC 1996) to every secondary when the serial changes, and
/// again (1 s, 2 s, 4 s, … up to 5 tries) until each one acknowledges.
struct Notifier: Sendable {
    let provider: any ZoneProvider
    let targets: [String]
    let pollInterval: Duration
    let logger: Logger
    var attempts = 5

    func run() async {
        guard !targets.isEmpty else { return }
        // Each round of NOTIFYs runs beside the polling; a slow secondary's
        // retries never hold back the next serial's round.
        await withDiscardingTaskGroup { rounds in
            var last: UInt32?
            while !Task.isCancelled {
                if let serial = try? await provider.soa().serial, serial != last {
                    if last != nil {
                        for target in targets { rounds.addTask { await notify(target, serial: serial) } }
                    }
                    last = serial
                }
                try? await Task.sleep(for: pollInterval)
            }
            rounds.cancelAll()
        }
    }

    func notify(_ target: String, serial: UInt32) async {
        let parts = target.split(separator: ":").map(String.init)
        let host = parts.count == 2 ? parts[0] : target
        let port = parts.count == 2 ? Int(parts[1]) ?? 53 : 53
        let id = UInt16.random(in: 0...UInt16.max)
        var writer = DNSWriter(header: DNSHeader(id: id, opcode: DNSOpcode.notify.rawValue, authoritative: true),
                               question: DNSQuestion(name: provider.origin, type: DNSType.soa.rawValue))
        if let soa = try? await provider.soa() { writer.addSOA(provider.origin, ttl: 60, soa) }
        let message = writer.finished
        var delay: Duration = .seconds(1)
        for attempt in 1...attempts {
            if Task.isCancelled { return }
            if await sendOnce(message, id: id, host: host, port: port, wait: delay) {
                logger.debug("notify acknowledged", metadata: ["secondary": "\(target)", "serial": "\(serial)", "attempt": "\(attempt)"])
                return
            }
            delay = delay * 2
        }
        logger.warning("notify not acknowledged", metadata: ["secondary": "\(target)", "serial": "\(serial)", "attempts": "\(attempts)"])
    }

    /// One NOTIFY datagram; true when the answer with the same id arrives in time.
    private func sendOnce(_ message: [UInt8], id: UInt16, host: String, port: Int, wait: Duration) async -> Bool {
        do {
            let remote = try SocketAddress.makeAddressResolvingHost(host, port: port)
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: remote.protocol == .inet6 ? "::" : "0.0.0.0", port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: message)))
                return await withTaskGroup(of: Bool.self) { group in
                    group.addTask {
                        do {
                            for try await envelope in inbound {
                                if let header = DNSReader.header(of: Array(buffer: envelope.data)), header.id == id, header.isResponse { return true }
                            }
                        } catch {}
                        return false
                    }
                    group.addTask {
                        try? await Task.sleep(for: wait)
                        return false
                    }
                    let first = await group.next() ?? false
                    group.cancelAll()
                    return first
                }
            }
        } catch {
            logger.debug("notify failed", metadata: ["secondary": "\(host):\(port)", "error": "\(error)"])
            try? await Task.sleep(for: wait)
            return false
        }
    }
}
