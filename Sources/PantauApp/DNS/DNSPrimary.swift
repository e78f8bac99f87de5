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
              var zone = BlocklistZone(database: database, zoneName: configuration.rpzZone, landingHost: configuration.landingHost) else { return nil }
        zone.refresh = UInt32(configuration.rpzRefresh)
        var settings = DNSServerConfiguration(host: listen.host, port: listen.port, allowTransfer: configuration.dnsAllowTransfer,
                                              keys: configuration.dnsKeys, notify: configuration.dnsNotify)
        settings.ttl = 60
        settings.tcpConnectionsPerClient = configuration.dnsTCPPerClient
        server = DNSServer(providers: Self.zones(database: database, configuration: configuration, oneZone: zone), configuration: settings,
                           observer: TransferLog(database: database), logger: logger)
    }

    /// The one zone, and in the two-zone mode the base and the recent zone beside it.
    /// `servesSecondaries`: recent is kept in storage as served (the DNS primary's; not the exports').
    static func zones(database: PantauDatabase, configuration: AppConfiguration, oneZone: BlocklistZone, servesSecondaries: Bool = true) -> [any ZoneProvider] {
        let names = configuration.splitZoneNames
        guard configuration.rpzSplit, let baseName = DNSName(names.base), let recentName = DNSName(names.recent) else { return [oneZone] }
        var recentZone = oneZone
        recentZone.refresh = UInt32(configuration.rpzRecentRefresh)
        let base = BaseZoneProvider(zone: oneZone, origin: baseName, bases: { try await SplitState.load(on: database) })
        return [oneZone, base, RecentZoneProvider(recent: RecentZone(zone: recentZone, persists: servesSecondaries), origin: recentName)]
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
