import Foundation
import PantauCore
import Plot
import SQLKit

/// What monitoring's re-checks last saw of one address (the order page, `/pantau`).
struct RecheckStatus: Sendable {
    let state: RecheckState
    let stateSince: Date?
    let lastCheckedAt: Date?
    let lastReason: RecheckReason?
    let lastError: String?
    let reappearances: Int
    let lastReappearedAt: Date?
    let nextCheckAt: Date

    private static let columns = "order_item_id, state, state_since, last_checked_at, last_reason, last_error, reappearances, last_reappeared_at, next_check_at"

    init(_ row: any SQLRow) throws {
        state = RecheckState(rawValue: try row.decode(column: "state", as: String.self)) ?? .unknown
        stateSince = try row.decode(column: "state_since", as: Date?.self)
        lastCheckedAt = try row.decode(column: "last_checked_at", as: Date?.self)
        lastReason = try row.decode(column: "last_reason", as: String?.self).flatMap(RecheckReason.init(rawValue:))
        lastError = try row.decode(column: "last_error", as: String?.self)
        reappearances = try row.decode(column: "reappearances", as: Int.self)
        lastReappearedAt = try row.decode(column: "last_reappeared_at", as: Date?.self)
        nextCheckAt = try row.decode(column: "next_check_at", as: Date.self)
    }

    /// The re-checks of these order items, by item.
    static func ofItems(_ items: [UUID], on sql: any SQLDatabase) async throws -> [UUID: RecheckStatus] {
        var found: [UUID: RecheckStatus] = [:]
        for chunk in items.chunked(500) where !chunk.isEmpty {
            for row in try await sql.raw("SELECT \(unsafeRaw: columns) FROM rechecks WHERE order_item_id IN (\(binds: Array(chunk)))").all() {
                found[try row.decode(column: "order_item_id", as: UUID.self)] = try RecheckStatus(row)
            }
        }
        return found
    }
}

/// The re-checks' figures of the last day, for the sources table of `/pantau`.
struct RecheckHealth: Sendable {
    let enrolled: Int
    let checkedLastDay: Int
    let failedLastDay: Int
    let reappearedLastDay: Int
    let lastCheckAt: Date?
    let lastError: String?
    let online: Int

    static func load(since: Date, on sql: any SQLDatabase) async throws -> RecheckHealth? {
        guard let row = try await sql.raw("""
            SELECT COUNT(*) AS n, MAX(last_checked_at) AS last,
            SUM(CASE WHEN last_checked_at >= \(bind: since) THEN 1 ELSE 0 END) AS checked,
            SUM(CASE WHEN last_checked_at >= \(bind: since) AND consecutive_failures > 0 THEN 1 ELSE 0 END) AS failed,
            SUM(CASE WHEN last_reappeared_at >= \(bind: since) THEN 1 ELSE 0 END) AS reappeared,
            SUM(CASE WHEN state = 'online' THEN 1 ELSE 0 END) AS online FROM rechecks
            """).first(), let enrolled = try row.decode(column: "n", as: Int?.self), enrolled > 0 else { return nil }
        let failed = try row.decode(column: "failed", as: Int?.self) ?? 0
        let lastError = failed == 0 ? nil : try await sql.raw("""
            SELECT last_error FROM rechecks WHERE consecutive_failures > 0 ORDER BY last_checked_at DESC LIMIT 1
            """).first()?.decode(column: "last_error", as: String?.self)
        return RecheckHealth(enrolled: enrolled, checkedLastDay: try row.decode(column: "checked", as: Int?.self) ?? 0, failedLastDay: failed,
                             reappearedLastDay: try row.decode(column: "reappeared", as: Int?.self) ?? 0,
                             lastCheckAt: try row.decode(column: "last", as: Date?.self), lastError: lastError,
                             online: try row.decode(column: "online", as: Int?.self) ?? 0)
    }
}

extension MonitoringUI {
    /// "Cek ulang otomatis: turun · 3 Des 10.00 (alamat tidak ada)", with the reappearances.
    static func recheckSummary(_ status: RecheckStatus, _ l: Language) -> Node<HTML.BodyContext> {
        let seen = status.lastCheckedAt.map { " · " + l.minute($0) } ?? ""
        let why = status.lastReason.map { " (" + l.t($0.label.id, $0.label.en) + ")" } ?? ""
        return .div(.class("recheck"),
            .span(.class(status.state == .online ? "badge overdue" : "badge"),
                  .text(l.t("Cek ulang otomatis: ", "Automatic re-check: ") + l.t(status.state.label.id, status.state.label.en))),
            .span(.class("hint"), .text(status.lastCheckedAt == nil ? l.t(" · belum dicek", " · not checked yet") : seen + why)),
            .if(status.reappearances > 0, .group(.br(), .strong(.class("reappeared"), .text(
                l.t("Muncul kembali ×\(status.reappearances)", "Reappeared ×\(status.reappearances)")
                + (status.lastReappearedAt.map { " · " + l.minute($0) } ?? ""))))))
    }
}
