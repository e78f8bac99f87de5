import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import Synchronization
import Testing
@testable import PantauApp

/// A host name written in capitals must not slip past the outbound guard:
/// the connection goes to the address that was checked, whatever the case.
@Suite struct OutboundHostCaseTests {
    /// This machine's own name in mixed case: the system resolves it to a
    /// loopback address (/etc/hosts), as a rebinding name would resolve inside.
    static var loopbackName: String {
        let name = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    @Test func aMixedCaseHostConnectsToTheCheckedAddressNotToWhatTheSystemResolves() async throws {
        let reached = Mutex(0)
        let router = Router()
        router.get("/") { _, _ -> HTTPResponse.Status in
            reached.withLock { $0 += 1 }
            return .ok
        }
        let server = await startLocalServer(router, port: 0)
        defer { server.task.cancel() }
        // The guard is told the name is public (as a rebinding name would say
        // when checked); the system resolves "localhost" to 127.0.0.1.
        let client = OutboundHTTP(allowInternal: false, resolve: { _ in [NetworkAddress("203.0.113.5")!] })
        var request = HTTPClientRequest(url: "http://\(Self.loopbackName):\(server.port)/")
        request.method = .GET
        do {
            _ = try await client.execute(request, timeout: .milliseconds(500))
            Issue.record("the request reached somewhere")
        } catch {}
        await client.shutdown()
        #expect(reached.withLock { $0 } == 0, "the internal server was reached past the guard")
    }
}
