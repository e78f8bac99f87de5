import Foundation
import Logging
import ServiceLifecycle

/// One job of the worker. Each belongs to a stage and does what is due now.
enum WorkerJob: Sendable {
    /// Orders: closes the takedown orders whose batching window has passed.
    case closeOrderBatches(OrderService)
    /// Orders: marks unanswered items past their deadline as overdue.
    case markOverdueItems(OrderService)
    /// Blocklist: takes scheduled blocks and lifts into effect.
    case applyBlockSchedule(BlocklistService)
    /// Comms: releases campaigns whose time has come into the outbox.
    case releaseCampaigns(CampaignService)
    /// Orders and Comms: sends what waits in the outbox.
    case deliverOutbox(OutboxDelivery)
    /// Intake: removes evidence files no report named within the grace period (hourly).
    case sweepEvidence(EvidenceJanitor)
    /// Monitoring: pulls the platforms' post feeds that are due.
    case pullFeeds(FeedPuller)
    /// Monitoring: draws last week's prevalence samples once the week is over.
    case drawSamples(PrevalenceService)
    /// Monitoring: crawls a batch of the web crawler's frontier.
    case crawl(Crawler)
    /// Monitoring: re-visits complied order items and blocked sites that are due.
    case recheck(Rechecker)
    /// Folds the two-zone RPZ's recent zone into a new base, when due.
    case compactRPZ(RPZCompactor)

    /// The job's name in logs.
    var name: String {
        switch self {
        case .closeOrderBatches: "close-order-batches"
        case .markOverdueItems: "mark-overdue-items"
        case .applyBlockSchedule: "apply-block-schedule"
        case .releaseCampaigns: "release-campaigns"
        case .deliverOutbox: "deliver-outbox"
        case .sweepEvidence: "sweep-evidence"
        case .pullFeeds: "pull-feeds"
        case .drawSamples: "draw-samples"
        case .crawl: "crawl"
        case .recheck: "recheck"
        case .compactRPZ: "compact-rpz"
        }
    }

    /// Does what is due; returns how much it did (0: nothing was due).
    func runDue(client: OutboundHTTP) async throws -> Int {
        switch self {
        case .closeOrderBatches(let orders): try await orders.closeDueBatches()
        case .markOverdueItems(let orders): try await orders.markOverdueItems()
        case .applyBlockSchedule(let blocklist): try await blocklist.applySchedule() == nil ? 0 : 1
        case .releaseCampaigns(let campaigns): try await campaigns.releaseDue()
        case .deliverOutbox(let delivery): try await delivery.runDue(client: client)
        case .sweepEvidence(let janitor): try await janitor.runDue()
        case .pullFeeds(let puller): try await puller.runDue(client: client)
        case .drawSamples(let prevalence): try await prevalence.drawDue()
        case .crawl(let crawler): try await crawler.runDue(client: client)
        case .recheck(let rechecker): try await rechecker.runDue(client: client)
        case .compactRPZ(let compactor): try await compactor.runDue()
        }
    }
}

/// The background worker: runs its jobs in turn, pass after pass, and
/// rests briefly when a pass found nothing due. A failing job is logged
/// under its name and does not stop the others. It runs inside `serve`
/// (unless `PANTAU_EMBEDDED_WORKER=0`) or alone as `pantau worker`, with the
/// same jobs (`Services.worker`).
struct Worker: Service {
    let jobs: [WorkerJob]
    let logger: Logger
    /// Whether webhooks may reach internal addresses (`OutboundHTTP`).
    var allowInternalAddresses = false
    var idlePause: Duration = .milliseconds(250)

    func run() async throws {
        let client = OutboundHTTP(allowInternal: allowInternalAddresses)
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    if try await runOnce(client: client) == 0 { try? await Task.sleep(for: idlePause) }
                } catch is CancellationError {
                    break
                } catch {
                    let failed = error as? FailedJobs
                    for (job, error) in failed?.errors ?? [("pass", error)] {
                        logger.error("worker job failed", metadata: ["job": "\(job)", "error": "\(String(reflecting: error))"])
                    }
                    // A job that keeps failing is retried after a pause, not in a loop.
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        } onGracefulShutdown: {}
        await client.shutdown()
    }

    /// The jobs of a pass that failed (the others ran).
    struct FailedJobs: Error {
        let errors: [(job: String, error: any Error)]
    }

    /// One pass over every job; returns how much was done. A failing job
    /// does not stop the others; the pass then throws what failed.
    @discardableResult
    func runOnce(client: OutboundHTTP) async throws -> Int {
        var done = 0
        var errors: [(job: String, error: any Error)] = []
        for job in jobs {
            try Task.checkCancellation()
            do {
                done += try await job.runDue(client: client)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                errors.append((job.name, error))
            }
        }
        guard errors.isEmpty else { throw FailedJobs(errors: errors) }
        return done
    }
}

/// Lets a job's periodic part through once per interval (each process keeps its own).
actor PeriodicGate {
    private var last: Date?

    func due(now: Date, every interval: TimeInterval) -> Bool {
        if let last, now.timeIntervalSince(last) < interval, now >= last { return false }
        last = now
        return true
    }
}
