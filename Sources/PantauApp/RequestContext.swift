import Hummingbird
import Logging

/// Pantau's request context. Bodies are collected by the handlers with their
/// own limits (1 MiB for JSON, the evidence limit for uploads).
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { 64 * 1024 * 1024 }
}
