import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import PantauCore
#if canImport(Glibc)
import Glibc
#endif

/// The worker's HTTP client for requests to addresses someone configured
/// (platform webhooks, publishing webhooks). Each request is checked against
/// `OutboundPolicy` at the moment it is made: the URL, then every address
/// its name resolves to; the connection then goes to the very address that
/// was checked (AsyncHTTPClient's `dnsOverride`, which keeps the name for
/// TLS and `Host`), so a name cannot resolve to a public address for the
/// check and to an internal one for the connection. Redirects are not
/// followed (a 3xx is an answer like any other). Failures are described
/// without addresses, ports or socket errors.
final class OutboundHTTP: Sendable {
    /// Lets requests reach loopback and private addresses: for tests and a
    /// deliberately local set-up only (`PANTAU_OUTBOUND_ALLOW_INTERNAL`).
    let allowInternal: Bool
    /// Name → addresses (the system resolver; tests give names of their own).
    private let resolve: @Sendable (String) async -> [NetworkAddress]
    private let clients = ClientPool()

    init(allowInternal: Bool, resolve: @escaping @Sendable (String) async -> [NetworkAddress] = OutboundHTTP.systemResolve) {
        self.allowInternal = allowInternal
        self.resolve = resolve
    }

    /// A failure to send, in words safe to store and show.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// The name resolved to no address at all (re-checks read a gone domain from it).
        var unresolvable = false
    }

    func execute(_ request: HTTPClientRequest, timeout: TimeAmount) async throws(Failure) -> HTTPClientResponse {
        let target: OutboundPolicy.Target
        switch OutboundPolicy.check(url: request.url, allowInternal: allowInternal) {
        case .success(let checked): target = checked
        case .failure(let refusal): throw Failure(description: "refused: " + refusal.message.en)
        }
        let address: NetworkAddress
        if let literal = target.address {
            address = literal
        } else {
            let resolved = await resolve(target.host)
            switch OutboundPolicy.check(resolved: resolved, allowInternal: allowInternal) {
            case .success(let first): address = first
            case .failure(let refusal):
                if case .unresolvable = refusal { throw Failure(description: "refused: " + refusal.message.en, unresolvable: true) }
                throw Failure(description: "refused: " + refusal.message.en)
            }
        }
        // The request names the host exactly as the pinned address is keyed
        // (lower case): AsyncHTTPClient looks its DNS override up by the URL's
        // spelling, and "Evil.Example" would otherwise be resolved again by the
        // system — to wherever a rebinding name points by then.
        var pinned = request
        if target.address == nil {
            guard var components = URLComponents(string: request.url), components.host != nil else {
                throw Failure(description: "refused: " + OutboundPolicy.Refusal.malformed.message.en)
            }
            components.host = target.host
            guard let url = components.string else { throw Failure(description: "refused: " + OutboundPolicy.Refusal.malformed.message.en) }
            pinned.url = url
        }
        let client = await clients.client(host: target.host, address: address.description)
        do {
            return try await client.execute(pinned, timeout: timeout)
        } catch {
            throw Failure(description: Self.describe(error))
        }
    }

    func shutdown() async {
        await clients.shutdown()
    }

    /// What went wrong, in a few words and nothing from the socket layer.
    static func describe(_ error: any Error) -> String {
        if let client = error as? HTTPClientError {
            if [.connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded].contains(client) { return "timed out" }
            if client == .remoteConnectionClosed { return "the connection was closed by the receiver" }
            return "the request failed"
        }
        let type = String(describing: Swift.type(of: error))
        if type.contains("SSL") || type.contains("TLS") { return "TLS handshake failed" }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "timed out" }
        return "could not connect"
    }

    /// The addresses a name resolves to (none when it does not), looked up
    /// on NIO's thread pool, since getaddrinfo blocks.
    static func systemResolve(_ host: String) async -> [NetworkAddress] {
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        return (try? await NIOThreadPool.singleton.runIfActive { lookUp(name) }) ?? []
    }

    private static func lookUp(_ name: String) -> [NetworkAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [NetworkAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let socket = entry.pointee.ai_addr {
                var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                switch Int32(socket.pointee.sa_family) {
                case AF_INET:
                    var address = socket.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    if inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil,
                       let parsed = NetworkAddress(String(cString: buffer)) { addresses.append(parsed) }
                case AF_INET6:
                    var address = socket.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    if inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil,
                       let parsed = NetworkAddress(String(cString: buffer)) { addresses.append(parsed) }
                default:
                    break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return Array(Set(addresses)).sorted { $0.description < $1.description }
    }
}

/// One AsyncHTTPClient per (name, checked address), so connections to a
/// webhook are reused while its name keeps resolving to the same address.
/// A few dozen at most; the oldest is closed when a new one is needed.
private actor ClientPool {
    private var clients: [String: HTTPClient] = [:]
    private var order: [String] = []
    private let limit = 32

    func client(host: String, address: String) -> HTTPClient {
        let key = host + " " + address
        if let client = clients[key] { return client }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if NetworkAddress(host) == nil { configuration.dnsOverride = [host: address] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[key] = client
        order.append(key)
        if order.count > limit, let oldest = order.first, let closing = clients.removeValue(forKey: oldest) {
            order.removeFirst()
            // Closed a while later, so requests still running on it finish
            // (every request has a timeout well below this).
            Task {
                try? await Task.sleep(for: .seconds(120))
                try? await closing.shutdown()
            }
        }
        return client
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
        clients = [:]
        order = []
    }
}
