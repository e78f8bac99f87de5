import Foundation
import Logging
import PantauCore
import SQLKit

/// The two-zone RPZ's compaction (`RPZCompactionPolicy` in PantauCore says
/// when): it begins by making the list as it is now the new base — the
/// base zone's serial moves on and every secondary transfers the
/// increment, while recent still covers every change since the old base,
/// so each secondary answers right whichever base it holds — and it ends
/// once every secondary holds the new base and had time to walk it; then
/// recent shrinks to the changes since the new base. A worker job; the
/// state is in `rpz_split_state`, so any worker may take the next step.
struct RPZCompactor: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    var policy = RPZCompactionPolicy()
    /// The base zone's name, as the transfer log keeps it.
    let baseZone: String
    /// The secondaries a compaction waits for (`PANTAU_RPZ_SECONDARIES`, as
    /// the transfer log names them: TSIG key name or address); when none
    /// are configured, every one that transferred the base in the last week.
    var secondaries: [String] = []
    /// How often the job looks (a worker pass is far more frequent).
    var checkEvery: TimeInterval = 5
    let logger: Logger
    private let gate = PeriodicGate()

    init(database: PantauDatabase, clock: any PantauClock, baseZone: String, logger: Logger) {
        self.database = database
        self.clock = clock
        self.baseZone = baseZone
        self.logger = logger
    }

    static var wib: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: WIBDay.offsetSeconds)!
        return calendar
    }

    func runDue() async throws -> Int {
        let now = clock.now()
        guard await gate.due(now: now, every: checkEvery) else { return 0 }
        return try await step(now: now) == nil ? 0 : 1
    }

    enum Step: String, Sendable {
        case began, ended, rebased
    }

    /// One step, if one is due: begin a compaction, end one, or — after a
    /// bulk import, which the change log cannot undo — make the list the
    /// base at once (the old one can no longer be served), while recent
    /// keeps every decision since the oldest base in play until every
    /// secondary holds the new one: then it ends like a compaction.
    @discardableResult
    func step(now: Date, force: Bool = false) async throws -> Step? {
        let bases = try await SplitState.load(on: database)
        let sql = database.sql
        let latest = try await BlocklistPublications.currentSerial(on: database.db)
        let row = try await sql.raw("SELECT compacted_at, compaction_started_at FROM rpz_split_state WHERE id = 1").first()
        let compactedAt = try row?.decode(column: "compacted_at", as: Date?.self)
        let startedAt = try row?.decode(column: "compaction_started_at", as: Date?.self)
        if try await BlocklistPublications.fullReloadBetween(after: bases.served, upTo: latest, on: database.db) {
            // Conditional, as a beginning is. A secondary that still holds the old base answers every
            // decision right from recent meanwhile; the import itself is in force there once it holds the new one.
            // Two bases are kept in play: during a compaction the oldest stays, and one holding the base
            // between is answered by recent as worked out for the oldest.
            let rebased = try await sql.raw("""
                UPDATE rpz_split_state SET retiring_serial = COALESCE(retiring_serial, base_serial), base_serial = \(bind: latest),
                generation = generation + 1, compaction_started_at = \(bind: now)
                WHERE id = 1 AND base_serial = \(bind: bases.served) RETURNING id
                """).all()
            guard !rebased.isEmpty else { return nil }
            logger.warning("rpz: a bulk import replaced the list; the base is the list now, recent keeps the decisions since the old base until the secondaries hold it",
                           metadata: ["serial": "\(latest)", "old_base": "\(bases.oldest)"])
            return .rebased
        }
        if bases.serials.count == 1 {
            let recentNames = try await sql.raw("""
                SELECT COUNT(DISTINCT name) AS n FROM blocklist_changes WHERE serial > \(bind: bases.served) AND kind <> 'ip'
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            guard latest > bases.served, force || policy.isDue(recentNames: recentNames, lastCompactionAt: compactedAt, now: now, calendar: Self.wib) else {
                return nil
            }
            // Conditional: of two workers, one begins it. A new generation: recent may change
            // (it now covers two bases) without a publication, and its serial must say so.
            let begun = try await sql.raw("""
                UPDATE rpz_split_state SET retiring_serial = base_serial, base_serial = \(bind: latest), compaction_started_at = \(bind: now),
                generation = generation + 1
                WHERE id = 1 AND retiring_serial IS NULL AND base_serial = \(bind: bases.served) RETURNING id
                """).all()
            guard !begun.isEmpty else { return nil }
            logger.info("rpz: compaction begins", metadata: ["old_base": "\(bases.served)", "new_base": "\(latest)", "recent_names": "\(recentNames)"])
            return .began
        }
        var transfers: [String: RPZCompactionPolicy.Transfer] = [:]
        for row in try await sql.raw("SELECT client, serial, transferred_at FROM dns_zone_transfers WHERE zone = \(bind: baseZone)").all() {
            transfers[try row.decode(column: "client", as: String.self)] = .init(
                serial: UInt32(truncatingIfNeeded: try row.decode(column: "serial", as: Int64.self)), at: try row.decode(column: "transferred_at", as: Date.self))
        }
        let waitingFor = secondaries.isEmpty
            ? try await sql.raw("""
                SELECT client FROM dns_zone_transfers WHERE zone = \(bind: baseZone) AND transferred_at > \(bind: now.addingTimeInterval(-7 * 86_400))
                """).all().map { try $0.decode(column: "client", as: String.self) }
            : secondaries
        let newBase = UInt32(truncatingIfNeeded: bases.served)
        guard policy.isOver(newBaseSerial: newBase, secondaries: waitingFor, transfers: transfers, now: now, startedAt: startedAt) else { return nil }
        let laggards = policy.laggards(newBaseSerial: newBase, secondaries: waitingFor, transfers: transfers)
        if !laggards.isEmpty {
            logger.warning("rpz: compaction ends without these secondaries holding the new base (waited the longest allowed)",
                           metadata: ["secondaries": "\(laggards.joined(separator: ","))", "base": "\(bases.served)"])
        }
        let ended = try await sql.raw("""
            UPDATE rpz_split_state SET retiring_serial = NULL, generation = generation + 1, compacted_at = \(bind: now)
            WHERE id = 1 AND retiring_serial = \(bind: bases.oldest) AND base_serial = \(bind: bases.served) RETURNING id
            """).all()
        guard !ended.isEmpty else { return nil }
        logger.info("rpz: compaction ends", metadata: ["base": "\(bases.served)", "secondaries": "\(waitingFor.count)"])
        return .ended
    }
}
