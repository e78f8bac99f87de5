import Hummingbird
import Logging
import NIOCore

/// Pantau's request context. Bodies are collected by the handlers with their
/// own limits (1 MiB for JSON, the evidence limit for uploads).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in account, set by `AuthenticationMiddleware`.
    var identity: Identity?

    /// The peer's address (for sign-in throttling and the audit log).
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}
