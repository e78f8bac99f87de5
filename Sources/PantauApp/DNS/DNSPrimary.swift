import Foundation
import Logging
import PantauDNS
import ServiceLifecycle

/// Pantau as the DNS primary of its RPZ zone, as a lifecycle service (in
/// `serve --dns`, or alone in `pantau dns`).
struct DNSPrimaryService: Service {
    let server: DNSServer

    init?(database: PantauDatabase, configuration: AppConfiguration, logger: Logger) {
        guard let listen = configuration.dnsListen,
              let zone = BlocklistZone(database: database, zoneName: configuration.rpzZone, landingHost: configuration.landingHost) else { return nil }
        var settings = DNSServerConfiguration(host: listen.host, port: listen.port, allowTransfer: configuration.dnsAllowTransfer,
                                              keys: configuration.dnsKeys, notify: configuration.dnsNotify)
        settings.ttl = 60
        settings.tcpConnectionsPerClient = configuration.dnsTCPPerClient
        server = DNSServer(provider: zone, configuration: settings, observer: TransferLog(database: database), logger: logger)
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await server.run()
            }
        } catch is CancellationError {
            // Shutting down: the other services stop in their order.
        }
    }
}
