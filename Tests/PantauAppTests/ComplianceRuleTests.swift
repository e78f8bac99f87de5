import Foundation
import PantauCore
import SQLKit
import Testing
@testable import PantauApp

/// "Complied on time" is one rule in PantauCore; the transparency counters'
/// triggers run its SQL form. Both must file every item alike.
@Suite struct ComplianceRuleTests {
    /// The counters' trigger (a landed migration, never edited) runs the
    /// rule's SQL form: a change to the rule needs a new migration.
    @Test func theCountersTriggerRunsTheRulesSQL() throws {
        let source = try #require(CreateTransparencyCounts.sources.first { $0.table == "order_items" })
        let counter = try #require(source.counters.first { $0.metric == "order_items" })
        let rule = ComplianceItem.complianceSQL(status: "r.status", stillOnlineCount: "r.still_online_count", answeredAt: "r.answered_at", dueAt: "r.due_at")
        for flavour in [CreateTransparencyCounts.Flavour.sqlite, .postgres] {
            #expect(counter.c(flavour) == rule)
        }
    }

    @Test(arguments: Backend.available)
    func theSQLFormFilesEveryItemAsTheRuleDoes(backend: Backend) async throws {
        let env = try await TestEnvironment.make(backend)
        let database = try PantauDatabase(location: env.configuration.database, logger: quietLogger)
        let due = Date(timeIntervalSince1970: 1_800_000_000)
        let expression = ComplianceItem.complianceSQL(status: "r.status", stillOnlineCount: "r.still_online_count", answeredAt: "r.answered_at", dueAt: "r.due_at")
        var checked = 0
        do {
            for status in OrderItemStatus.allCases {
                for stillOnline in [0, 1] {
                    for answered in [nil, due.addingTimeInterval(-60), due, due.addingTimeInterval(60)] as [Date?] {
                        let item = ComplianceItem(status: status, sentAt: due.addingTimeInterval(-86_400), dueAt: due, answeredAt: answered,
                                                  stillOnlineCount: stillOnline)
                        let expected = item.compliedOnTime ? "on_time" : status == .complied ? "late" : ""
                        let row = try await database.sql.raw("""
                            SELECT \(unsafeRaw: expression) AS c FROM (SELECT \(bind: status.rawValue) AS status, \(bind: stillOnline) AS still_online_count,
                            \(bind: answered) AS answered_at, \(bind: due) AS due_at) r
                            """).first()
                        let filed = try #require(row).decode(column: "c", as: String.self)
                        #expect(filed == expected, "\(status) still online \(stillOnline) answered \(String(describing: answered))")
                        checked += 1
                    }
                }
            }
        } catch {
            await database.shutdown()
            await env.cleanup()
            throw error
        }
        #expect(checked == OrderItemStatus.allCases.count * 8)
        await database.shutdown()
        await env.cleanup()
    }
}
