import ArgumentParser
import Foundation
import PantauCore
import SQLKit

/// `pantau verify-history`: checks every case's event hash chain.
struct VerifyHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-history",
                                                    abstract: "Check the hash chains of all case histories; exit 1 on any break.")
    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        try await withStartupErrors {
            let result = try await db.withMaintenanceDatabase { database, _ in
                try await HistoryVerifier(database: database).verifyAll()
            }
            for problem in result.breaks.prefix(100) { print("BROKEN \(problem)") }
            print("checked \(result.cases) case(s), \(result.events) event(s): \(result.breaks.isEmpty ? "all chains intact" : "\(result.breaks.count) problem(s)")")
            if !result.breaks.isEmpty { throw ExitCode(1) }
        }
    }
}

struct HistoryVerifier {
    let database: PantauDatabase

    struct Result { var cases = 0; var events = 0; var breaks: [EventChain.Break] = [] }

    /// Walks cases in id order (keyset pages) and checks each chain.
    func verifyAll(pageSize: Int = 500) async throws -> Result {
        let sql = database.sql
        var result = Result()
        var after: UUID?
        while true {
            let cases = try await sql.raw("""
                SELECT id, event_count, last_event_hash FROM cases
                \(unsafeRaw: after == nil ? "" : "WHERE id > ")\(after.map { SQLQueryString("\(bind: $0)") } ?? "")
                ORDER BY id LIMIT \(literal: pageSize)
                """).all()
            if cases.isEmpty { break }
            let ids = try cases.map { try $0.decode(column: "id", as: UUID.self) }
            var eventsByCase: [UUID: [EventChain.StoredEvent]] = [:]
            let rows = try await sql.raw("""
                SELECT case_id, sequence, kind, actor, occurred_at_ms, payload, previous_hash, hash FROM case_events
                WHERE case_id IN (\(binds: ids)) ORDER BY case_id, sequence
                """).all()
            for row in rows {
                let caseID = try row.decode(column: "case_id", as: UUID.self)
                let content = EventChain.Content(
                    caseID: caseID.uuidString.lowercased(), sequence: try row.decode(column: "sequence", as: Int.self),
                    kind: try row.decode(column: "kind", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                    occurredAtMillis: try row.decode(column: "occurred_at_ms", as: Int64.self), payload: try row.decode(column: "payload", as: String.self))
                eventsByCase[caseID, default: []].append(EventChain.StoredEvent(
                    content: content, previousHash: try row.decode(column: "previous_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self)))
            }
            for (row, id) in zip(cases, ids) {
                let events = eventsByCase[id] ?? []
                result.cases += 1
                result.events += events.count
                result.breaks += EventChain.verify(caseID: id.uuidString.lowercased(), events: events,
                                                   expectedCount: try row.decode(column: "event_count", as: Int.self),
                                                   expectedHead: try row.decode(column: "last_event_hash", as: String.self))
            }
            after = ids.last
        }
        return result
    }
}
