import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import PantauCore
import ServiceLifecycle
import SQLKit

/// The active blocklist and the allow-list held in memory, so "is this name
/// blocked?" (the check endpoint, the `/cek` page, the landing page) is
/// answered without the database for names that are not blocked, and with
/// one indexed read for names that are. Ten million names take about
/// 400 MB (the server measured 375 MiB resident with them).
///
/// It follows the published serial: changes since its serial are applied in
/// place; a bulk publication (an import) in between means a full load, built
/// aside and swapped in. A publication in this process refreshes it before
/// the request returns; one from another process (`pantau blocklist
/// import`) is seen within `BlocklistMemoryRefresher.interval`. Until the
/// first load is done, checks go to the database.
final class BlocklistMemory: Sendable {
    private struct State {
        var index = BlockIndex()
        var serial: Int64 = -1
        var loaded = false
    }

    /// What decides a name, as the check needs it.
    enum Decision: Sendable, Equatable {
        case blocked(entryName: String, subdomains: Bool)
        case allowed(entryName: String, subdomains: Bool)
        case notBlocked
    }

    /// The rows behind one deciding entry, as the check shows them.
    struct Detail: @unchecked Sendable {
        // Read-only once cached: models fetched for the answer, never saved.
        let entry: BlockEntryModel?
        let allow: AllowEntryModel?
        let app: BlockAppModel?
        let proposal: BlockProposalModel?
    }

    let database: PantauDatabase
    private let state = NIOLockedValueBox(State())
    /// Details of recently asked-about entries at one serial: a blocked name
    /// people keep checking costs no database read. Emptied when the serial
    /// moves (a publication may change any of them) and when full.
    private let details = NIOLockedValueBox<(serial: Int64, byEntry: [String: Detail])>((-1, [:]))
    static let detailCapacity = 10_000
    private let refreshing = AsyncGate()

    init(database: PantauDatabase) {
        self.database = database
    }

    var serial: Int64? { state.withLockedValue { $0.loaded ? $0.serial : nil } }
    var count: Int { state.withLockedValue { $0.index.count } }

    /// nil until the first load is done; else the decision and the serial
    /// it holds for. The lookup runs under the lock (a few hundred
    /// nanoseconds), so the index is never copied.
    func decide(_ name: String) -> (decision: Decision, serial: Int64)? {
        var name = name
        return name.withUTF8 { bytes in
            state.withLockedValue { state -> (Decision, Int64)? in
                guard state.loaded else { return nil }
                switch state.index.match(state.index.hit(bytes)) {
                case .notBlocked: return (.notBlocked, state.serial)
                case .blocked(let match): return (.blocked(entryName: match.entryName, subdomains: match.kind == .subdomains), state.serial)
                case .allowed(let match): return (.allowed(entryName: match.entryName, subdomains: match.kind == .subdomains), state.serial)
                }
            }
        }
    }

    func detail(_ key: String, serial: Int64) -> Detail? {
        details.withLockedValue { $0.serial == serial ? $0.byEntry[key] : nil }
    }

    func remember(_ detail: Detail, _ key: String, serial: Int64) {
        details.withLockedValue { cache in
            if cache.serial != serial || cache.byEntry.count >= Self.detailCapacity { cache = (serial, [:]) }
            cache.byEntry[key] = detail
        }
    }

    /// After a publication in this process: up to date before the request
    /// returns (nothing to do before the first load).
    func refreshIfLoaded() async {
        guard serial != nil else { return }
        try? await refresh()
    }

    /// Brings the copy up to the database's current serial.
    func refresh() async throws {
        await refreshing.enter()
        do {
            try await refreshHoldingGate()
            await refreshing.leave()
        } catch {
            await refreshing.leave()
            throw error
        }
    }

    private func refreshHoldingGate() async throws {
        let latest = try await BlocklistPublications.currentSerial(on: database.db)
        let (loaded, serial) = state.withLockedValue { ($0.loaded, $0.serial) }
        if loaded && serial == latest { return }
        if loaded, try await !BlocklistPublications.fullReloadBetween(after: serial, upTo: latest, on: database.db) {
            try await applyChanges(after: serial, upTo: latest)
            return
        }
        // A full load, built aside: lookups go on against the old copy.
        let fresh = try await Self.load(database)
        state.withLockedValue { $0 = State(index: fresh.index, serial: fresh.serial, loaded: true) }
        // Whatever was published while it loaded (adding or removing twice is harmless).
        let now = try await BlocklistPublications.currentSerial(on: database.db)
        if now > fresh.serial { try await applyChanges(after: fresh.serial, upTo: now) }
    }

    private func applyChanges(after serial: Int64, upTo latest: Int64) async throws {
        let changes = try await BlocklistPublications.changes(after: serial, upTo: latest, in: database)
        state.withLockedValue { state in
            for change in changes where change.kind != "ip" {
                let subdomains = change.kind == BlockEntryKind.subdomains.rawValue
                if change.op == "add" {
                    state.index.add(change.name, subdomains: subdomains, allow: change.allow)
                } else {
                    state.index.remove(change.name, subdomains: subdomains, allow: change.allow)
                }
            }
            state.serial = latest
        }
    }

    /// Every active domain entry and allow-list entry, at one serial: read
    /// from one snapshot as the exports read it (streamed, on both databases).
    static func load(_ database: PantauDatabase) async throws -> (index: BlockIndex, serial: Int64) {
        let walker = BlocklistExporter(database: database, zoneName: "", landingHost: "")
        return try await walker.withSnapshot { snapshot in
            var index = BlockIndex()
            var nothingWritten = BlocklistExporter.Output(chunkBytes: .max)
            try await walker.forEachActive(in: snapshot, ips: false, detailed: false, output: &nothingWritten, write: { _ in }) { row, _ in
                index.add(String(decoding: row.name, as: UTF8.self), subdomains: row.kind == .subdomains)
            }
            for allow in snapshot.allows { index.add(allow.name, subdomains: allow.subdomains, allow: true) }
            return (index, snapshot.serial)
        }
    }
}

/// Loads the in-memory blocklist at start and follows the serial: other
/// processes (an import from the command line) publish too.
struct BlocklistMemoryRefresher: Service {
    let memory: BlocklistMemory
    var interval: Duration = .seconds(1)
    let logger: Logger

    func run() async throws {
        var failures = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let before = memory.serial
                let started = ContinuousClock.now
                try await memory.refresh()
                if before == nil {
                    logger.info("blocklist loaded into memory", metadata: [
                        "names": "\(memory.count)", "serial": "\(memory.serial ?? 0)", "seconds": "\(ContinuousClock.now - started)",
                    ])
                }
                failures = 0
            } catch {
                failures += 1
                if failures == 1 { logger.warning("blocklist refresh failed; checks use the database", metadata: ["error": "\(error)"]) }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
