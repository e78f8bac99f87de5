import CoreMetrics
import Hummingbird
import NIOCore
import Foundation
import Metrics
import PantauCore
import Prometheus

/// Pantau's own figures, exported with the HTTP metrics at `/metrics`.
/// One registry per process: MetricsSystem can be bootstrapped only once.
final class PantauMetrics: Sendable {
    static let shared = PantauMetrics()

    let registry: PrometheusCollectorRegistry
    private let reportsAccepted: [ReportChannel: Prometheus.Counter]
    private let casesOpened: Prometheus.Counter
    private let batches: Prometheus.Counter
    private let batchSize: Prometheus.ValueHistogram
    private let commitDuration: Prometheus.DurationHistogram

    private init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        reportsAccepted = Dictionary(uniqueKeysWithValues: ReportChannel.allCases.map { channel in
            (channel, registry.makeCounter(name: "pantau_reports_accepted_total", labels: [("channel", channel.rawValue)],
                                           help: "Reports durably stored, by channel"))
        })
        casesOpened = registry.makeCounter(name: "pantau_cases_opened_total", help: "Cases opened (first report of a subject)")
        batches = registry.makeCounter(name: "pantau_intake_batches_total", help: "Intake transactions committed")
        batchSize = registry.makeValueHistogram(name: "pantau_intake_batch_size", buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
                                                help: "Intake jobs per committed transaction")
        commitDuration = registry.makeDurationHistogram(
            name: "pantau_intake_commit_duration_seconds",
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                      .milliseconds(100), .milliseconds(250), .seconds(1)],
            help: "Time to write and commit one intake transaction")
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    func recordBatch(size: Int, duration: Duration) {
        batches.increment()
        batchSize.record(Double(size))
        commitDuration.record(duration)
    }

    func recordStored(_ record: IntakeRecord) {
        // Counted per job by the caller's channel; cases opened are those whose
        // count became 1 in this job.
        for report in record.reports where report.caseReportCount == 1 { casesOpened.increment() }
    }

    func recordAccepted(channel: ReportChannel, count: Int) {
        reportsAccepted[channel]?.increment(by: Int64(count))
    }

    func render() -> String { registry.emitToString() }
}

/// Who may read `/metrics` (request counts, queue depths and timings say much
/// about the regulator's work): with `PANTAU_METRICS_TOKEN` set, whoever sends
/// it as a bearer token; without, only a client on this machine that no proxy
/// forwarded — a reverse proxy on the same host connects from loopback too.
struct MetricsAccess {
    let token: String?

    func check(_ request: Request, remoteAddress: SocketAddress?) throws {
        if let token {
            let sent = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
            guard let sent, constantTimeEqual(Array(sent.utf8), Array(token.utf8)) else {
                throw APIError(.unauthorized, code: "unauthorized", message: "Send the metrics token as 'Authorization: Bearer <token>'.")
            }
            return
        }
        let forwarded = request.headers[.init("X-Forwarded-For")!] != nil || request.headers[.init("Forwarded")!] != nil
        guard let remoteAddress, Self.isLoopback(remoteAddress), !forwarded else {
            throw APIError(.forbidden, code: "metrics_restricted", message: "Metrics are served to this machine only; set PANTAU_METRICS_TOKEN to read them from elsewhere.")
        }
    }

    static func isLoopback(_ address: SocketAddress) -> Bool {
        switch address {
        case .v4(let v4): v4.address.sin_addr.s_addr.bigEndian >> 24 == 127
        case .v6: address.ipAddress == "::1"
        case .unixDomainSocket: true
        }
    }
}

private func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}
