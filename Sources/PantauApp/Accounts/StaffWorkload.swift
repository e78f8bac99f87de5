import FluentKit
import Foundation
import PantauCore
import SQLKit

/// What waits for one staff member, by what their role may do: the counters
/// on the staff start page (as a moderation workspace's queues). Each counter
/// links to the page where the work is done.
struct StaffWorkload: Sendable {
    struct Counter: Sendable, Equatable {
        /// A stable name for tests and styling (`my_cases`, `approvals`, …).
        let key: String
        let title: (id: String, en: String)
        let count: Int
        let link: String
        /// Something is late: drawn in the warning colour.
        let urgent: Bool

        static func == (a: Counter, b: Counter) -> Bool { a.key == b.key && a.count == b.count }
    }

    let database: PantauDatabase

    private func count(_ query: SQLQueryString) async throws -> Int {
        try await database.sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func counters(for identity: Identity) async throws -> [Counter] {
        var counters: [Counter] = []
        let me = identity.userID
        let active = CaseStatus.active.map(\.rawValue)
        if identity.may(.triageCases) {
            let mine = try await count("""
                SELECT COUNT(*) AS n FROM cases WHERE assignee_id = \(bind: me) AND status IN (\(binds: active))
                """)
            counters.append(Counter(key: "my_cases", title: ("Kasus yang ditugaskan kepada saya", "Cases assigned to me"), count: mine,
                                    link: SitePath.Cases.queue + "?assignee=mine", urgent: false))
            let unassigned = try await count("""
                SELECT COUNT(*) AS n FROM cases WHERE assignee_id IS NULL AND status IN (\(binds: [CaseStatus.new.rawValue, CaseStatus.reopened.rawValue]))
                """)
            counters.append(Counter(key: "unassigned", title: ("Kasus baru belum ditangani", "New cases nobody has taken"), count: unassigned,
                                    link: SitePath.Cases.queue + "?assignee=unassigned", urgent: false))
        }
        if identity.may(.approveDecisions) {
            let approvals = try await count("""
                SELECT COUNT(*) AS n FROM decisions WHERE state = \(bind: DecisionState.pending.rawValue) AND decided_by <> \(bind: me)
                """)
            counters.append(Counter(key: "approvals", title: ("Putusan menunggu persetujuan saya", "Decisions awaiting my approval"), count: approvals,
                                    link: SitePath.Cases.approvals, urgent: false))
        }
        if identity.may(.approveBlocks) {
            let proposals = try await count("""
                SELECT COUNT(*) AS n FROM block_proposals WHERE state = \(bind: BlockProposalState.pending.rawValue) AND proposed_by <> \(bind: me)
                """)
            counters.append(Counter(key: "block_proposals", title: ("Usulan blokir/normalisasi menunggu saya", "Block and lift proposals awaiting me"),
                                    count: proposals, link: SitePath.Blocklist.staff, urgent: false))
        }
        if identity.may(.approveSanctions) {
            let sanctions = try await count("""
                SELECT COUNT(*) AS n FROM sanctions WHERE state = \(bind: SanctionState.proposed.rawValue) AND proposed_by <> \(bind: me)
                """)
            counters.append(Counter(key: "sanctions", title: ("Sanksi menunggu persetujuan saya", "Sanctions awaiting my approval"), count: sanctions,
                                    link: SitePath.Orders.sanctions, urgent: false))
        }
        if identity.may(.viewOrders) {
            let overdue = try await count("""
                SELECT COUNT(*) AS n FROM order_items WHERE status = \(bind: OrderItemStatus.overdue.rawValue)
                """)
            counters.append(Counter(key: "overdue_items", title: ("Butir perintah lewat tenggat", "Order items past their deadline"), count: overdue,
                                    link: SitePath.Orders.list, urgent: overdue > 0))
        }
        if identity.may(.answerOrders), let platform = identity.platform {
            let open = try await count("""
                SELECT COUNT(*) AS n FROM order_items i JOIN orders o ON o.id = i.order_id
                WHERE o.platform_id = \(bind: platform.rawValue) AND i.status IN (\(binds: [OrderItemStatus.pending.rawValue, OrderItemStatus.overdue.rawValue]))
                """)
            counters.append(Counter(key: "portal_open", title: ("Butir perintah menunggu jawaban platform Anda", "Order items awaiting your platform's answer"),
                                    count: open, link: SitePath.Portal.home, urgent: false))
        }
        if identity.may(.answerMentions) {
            let mentions = try await count("""
                SELECT COUNT(*) AS n FROM mentions m LEFT JOIN mention_replies r ON r.mention_id = m.id
                WHERE m.outcome = \(bind: MentionOutcome.ignored.rawValue) AND r.id IS NULL
                """)
            counters.append(Counter(key: "mentions", title: ("Sebutan menunggu jawaban", "Mentions awaiting an answer"), count: mentions,
                                    link: SitePath.Comms.inbox, urgent: false))
        }
        return counters
    }
}
