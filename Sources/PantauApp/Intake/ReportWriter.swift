import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import PantauCore
import ServiceLifecycle
import SQLKit

/// Group commit for incoming reports.
///
/// Requests hand their job to a writer lane and wait. A lane takes everything
/// queued (up to `batchSize`), writes it in one transaction and only then
/// resumes the waiting requests — so a `201` always means "committed", while
/// one commit (one fsync) serves many reports. SQLite gets one lane (one
/// writer); PostgreSQL several, with each subject always routed to the same
/// lane so concurrent lanes never touch the same case.
final class ReportWriter: Service, Sendable {
    private let lanes: [WriterLane]

    init(database: PantauDatabase, categories: CategoryIndex, clock: any PantauClock, batchSize: Int, lanes laneCount: Int,
         sqliteSynchronous: String = "full", metrics: PantauMetrics, logger: Logger) throws {
        let count = database.isSQLite ? 1 : max(1, laneCount)
        lanes = try (0..<count).map { _ in
            WriterLane(storage: try database.makeIntakeStorage(sqliteSynchronous: sqliteSynchronous), categories: categories, clock: clock,
                       batchSize: batchSize, metrics: metrics, logger: logger)
        }
    }

    /// Stores a job; returns once it is committed (or throws).
    func submit(_ job: IntakeJob) async throws -> IntakeOutcome {
        let routingKey = job.drafts.first?.report.subject.key ?? job.idempotency?.key ?? ""
        var hasher = Hasher()
        hasher.combine(routingKey)
        let lane = lanes[Int(UInt(bitPattern: hasher.finalize()) % UInt(lanes.count))]
        return try await lane.submit(job)
    }

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for lane in lanes {
                group.addTask { try await lane.run() }
            }
        }
    }
}

final class WriterLane: Sendable {
    private struct Pending: Sendable {
        let job: IntakeJob
        let continuation: CheckedContinuation<IntakeOutcome, any Error>
    }

    private struct State {
        var queue: [Pending] = []
        var running = true
    }

    private let state = NIOLockedValueBox(State())
    private let wakeUp: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation
    private let storage: any IntakeStorage
    private let categories: CategoryIndex
    private let clock: any PantauClock
    private let batchSize: Int
    private let metrics: PantauMetrics
    private let logger: Logger

    init(storage: any IntakeStorage, categories: CategoryIndex, clock: any PantauClock, batchSize: Int, metrics: PantauMetrics, logger: Logger) {
        (wakeUp, wakeUpContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.storage = storage
        self.categories = categories
        self.clock = clock
        self.batchSize = batchSize
        self.metrics = metrics
        self.logger = logger
    }

    func submit(_ job: IntakeJob) async throws -> IntakeOutcome {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = state.withLockedValue { state in
                guard state.running else { return false }
                state.queue.append(Pending(job: job, continuation: continuation))
                return true
            }
            if accepted {
                wakeUpContinuation.yield()
            } else {
                continuation.resume(throwing: IntakeError(message: "Pantau is shutting down; the report was not stored. Please retry."))
            }
        }
    }

    func run() async throws {
        await withTaskExecutorPreference(storage.executor) {
            await runLoop()
        }
    }

    private func runLoop() async {
        await withGracefulShutdownHandler {
            for await _ in wakeUp {
                await drain()
            }
        } onGracefulShutdown: {
            // Stop taking new work; what is queued is still written below.
            self.state.withLockedValue { $0.running = false }
            self.wakeUpContinuation.finish()
        }
        await drain()
        await storage.close()
    }

    private func drain() async {
        while true {
            let batch = state.withLockedValue { state -> [Pending] in
                let count = min(state.queue.count, batchSize)
                let taken = Array(state.queue.prefix(count))
                state.queue.removeFirst(count)
                return taken
            }
            if batch.isEmpty { return }
            await write(batch)
            await storage.betweenTransactions()
        }
    }

    private func write(_ batch: [Pending]) async {
        let started = ContinuousClock.now
        do {
            let outcomes = try await IntakeTransaction.run(jobs: batch.map(\.job), storage: storage, categories: categories, clock: clock)
            metrics.recordBatch(size: batch.count, duration: ContinuousClock.now - started)
            for (pending, outcome) in zip(batch, outcomes) {
                if case .stored(let record) = outcome { metrics.recordStored(record) }
                pending.continuation.resume(returning: outcome)
            }
        } catch {
            if batch.count > 1 {
                // One bad job (or a race with another process) must not fail
                // the others: write each alone.
                logger.warning("intake batch failed; retrying jobs one by one", metadata: ["batch_size": "\(batch.count)", "error": "\(String(reflecting: error))"])
                for pending in batch { await write([pending]) }
            } else {
                logger.error("intake job failed", metadata: ["error": "\(String(reflecting: error))"])
                batch[0].continuation.resume(throwing: error)
            }
        }
    }
}
