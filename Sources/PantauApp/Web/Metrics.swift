import CoreMetrics
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
