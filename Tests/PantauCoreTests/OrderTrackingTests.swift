import Foundation
import PantauCore
import Testing

@Suite struct OrderRulesTests {
    let due = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func answersApplyToOpenItemsOnceAndRepeatAsNoChange() {
        #expect(OrderRules.apply(.complied, to: .pending, dueAt: due, answeredAt: due) == .applied(late: false))
        #expect(OrderRules.apply(.complied, to: .overdue, dueAt: due, answeredAt: due.addingTimeInterval(1)) == .applied(late: true))
        #expect(OrderRules.apply(.rejected, to: .pending, dueAt: nil, answeredAt: due) == .applied(late: false))
        #expect(OrderRules.apply(.complied, to: .complied, dueAt: due, answeredAt: due) == .unchanged)
        for answered in [OrderItemStatus.complied, .rejected, .objected, .withdrawn] {
            for answer in OrderItemAnswer.allCases where answer.status != answered {
                guard case .refused = OrderRules.apply(answer, to: answered, dueAt: due, answeredAt: due) else {
                    Issue.record("\(answer) on \(answered) should be refused")
                    continue
                }
            }
        }
    }

    @Test func orderStatusIsDerivedFromDeliveryAndItems() {
        #expect(OrderRules.orderStatus(delivered: false, dispatched: false, acknowledged: false, items: [.pending]) == .queued)
        #expect(OrderRules.orderStatus(delivered: false, dispatched: true, acknowledged: false, items: [.pending]) == .dispatching)
        #expect(OrderRules.orderStatus(delivered: true, dispatched: true, acknowledged: false, items: [.pending, .complied]) == .sent)
        #expect(OrderRules.orderStatus(delivered: true, dispatched: true, acknowledged: true, items: [.pending]) == .acknowledged)
        #expect(OrderRules.orderStatus(delivered: true, dispatched: true, acknowledged: true, items: [.overdue, .complied]) == .overdue)
        #expect(OrderRules.orderStatus(delivered: true, dispatched: true, acknowledged: false, items: [.complied, .withdrawn]) == .complied)
        #expect(OrderRules.orderStatus(delivered: true, dispatched: true, acknowledged: false, items: [.complied, .rejected]) == .answered)
        #expect(OrderRules.orderStatus(delivered: true, dispatched: true, acknowledged: false, items: [.objected]) == .answered)
    }

    @Test func onlyComplianceItemsCanBeRecheckedAndOnlyFailuresCited() {
        #expect(OrderItemStatus.allCases.filter(OrderRules.mayRecheck) == [.complied])
        #expect(OrderItemStatus.allCases.filter(SanctionRules.mayCite) == [.overdue, .rejected])
    }
}

@Suite struct ComplianceFiguresTests {
    let sent = Date(timeIntervalSince1970: 1_800_000_000)
    var due: Date { sent.addingTimeInterval(24 * 3600) }

    @Test func onTimeRateMedianAndSharesCountWhatIsSettled() {
        let now = due.addingTimeInterval(3600)
        let items = [
            ComplianceItem(status: .complied, sentAt: sent, dueAt: due, answeredAt: sent.addingTimeInterval(3600)),            // on time, 1 h
            ComplianceItem(status: .complied, sentAt: sent, dueAt: due, answeredAt: sent.addingTimeInterval(3 * 3600)),        // on time, 3 h
            ComplianceItem(status: .complied, sentAt: sent, dueAt: due, answeredAt: due.addingTimeInterval(60)),               // late
            ComplianceItem(status: .complied, sentAt: sent, dueAt: due, answeredAt: sent.addingTimeInterval(60), stillOnlineCount: 1),
            ComplianceItem(status: .rejected, sentAt: sent, dueAt: due, answeredAt: sent),
            ComplianceItem(status: .overdue, sentAt: sent, dueAt: due),
            ComplianceItem(status: .pending, sentAt: sent, dueAt: now.addingTimeInterval(3600)),                               // not settled
            ComplianceItem(status: .pending, sentAt: sent, dueAt: due, everObjected: true),                                    // objection dismissed
            ComplianceItem(status: .withdrawn, sentAt: sent, dueAt: due),                                                      // left out
        ]
        let f = ComplianceFigures.of(items, now: now)
        #expect(f.items == 8)
        #expect(f.settled == 7)
        #expect(f.compliedOnTime == 2)
        #expect(f.onTimeRate == 2.0 / 7.0)
        #expect(f.stillOnline == 1 && f.overdueNow == 1)
        // Durations 1 min, 1 h, 3 h, 24 h 1 min → median (1 h + 3 h) / 2.
        #expect(f.medianSecondsToComply.map { abs($0 - 2 * 3600) < 0.001 } == true)
        // Answered: four complied, one rejected, one ever objected.
        #expect(f.rejectedShare == 1.0 / 6.0 && f.objectedShare == 1.0 / 6.0)
        #expect(ComplianceFigures.of([], now: now).onTimeRate == nil)
    }

    @Test func weeksStartOnMondayInWIB() {
        // 2026-12-01 is a Tuesday; its week starts Monday 2026-11-30 00:00 WIB = 2026-11-29 17:00 UTC.
        let tuesday = QueueFilter.parseDay("2026-12-01")!.addingTimeInterval(10 * 3600)
        #expect(QueueFilter.formatDay(ComplianceFigures.weekStart(tuesday)) == "2026-11-30")
        #expect(ComplianceFigures.weekStart(tuesday) == QueueFilter.parseDay("2026-11-30"))
        let monday = QueueFilter.parseDay("2026-11-30")!
        #expect(ComplianceFigures.weekStart(monday) == monday)
        #expect(ComplianceFigures.weekStart(monday.addingTimeInterval(-1)) == QueueFilter.parseDay("2026-11-23"))
    }

    @Test func periodsParseOrSayWhatIsWrong() throws {
        let now = QueueFilter.parseDay("2026-12-01")!
        let quarter = try CompliancePeriod.parse(nil, from: nil, to: nil, now: now).get()
        #expect(quarter.kind == .quarter && quarter.to == now && quarter.from == now.addingTimeInterval(-91 * 86_400))
        let custom = try CompliancePeriod.parse(nil, from: "2026-11-01", to: "2026-11-30", now: now).get()
        #expect(custom.kind == .custom && custom.from == QueueFilter.parseDay("2026-11-01") && custom.to == QueueFilter.parseDay("2026-12-01"))
        #expect((try? CompliancePeriod.parse("decade", from: nil, to: nil, now: now).get()) == nil)
        #expect((try? CompliancePeriod.parse("custom", from: "2026-12-02", to: "2026-12-01", now: now).get()) == nil)
        // One day given: the other is today, or 90 days before `to`.
        let fromOnly = try CompliancePeriod.parse("custom", from: "2026-11-01", to: nil, now: now).get()
        #expect(fromOnly.from == QueueFilter.parseDay("2026-11-01") && fromOnly.to == QueueFilter.parseDay(QueueFilter.formatDay(now))!.addingTimeInterval(86_400))
        let toOnly = try CompliancePeriod.parse(nil, from: nil, to: "2026-11-30", now: now).get()
        #expect(toOnly.kind == .custom && toOnly.from == QueueFilter.parseDay("2026-09-01"))
        // A day that is no day is refused even when the period does not use it.
        #expect((try? CompliancePeriod.parse("month", from: nil, to: "kemarin", now: now).get()) == nil)
    }
}

@Suite struct SanctionLadderTests {
    @Test func theLadderClimbsOneStepAtATimeAndEnds() {
        #expect(SanctionLevel.next(after: nil) == .st1)
        #expect(SanctionLevel.next(after: .st1) == .st2)
        #expect(SanctionLevel.next(after: .st2) == .st3)
        #expect(SanctionLevel.next(after: .st3) == .blockRecommended)
        #expect(SanctionLevel.next(after: .blockRecommended) == nil)
        #expect(SanctionLevel.allCases.filter(\.carriesFine) == [.st2])
        #expect([SanctionLevel.st3, .st1, .blockRecommended].max() == .blockRecommended)
    }

    @Test func finesFollowTheFormulaAndPrintAsRupiah() {
        let formula = FineFormula(perItem: 100_000_000, urgentMultiplier: 5)
        #expect(formula.amount(items: 3, urgentItems: 0) == 300_000_000)
        #expect(formula.amount(items: 3, urgentItems: 1) == 700_000_000)
        #expect(FineFormula.rupiah(1_250_000_000) == "Rp 1.250.000.000")
        #expect(FineFormula.rupiah(999) == "Rp 999")
        #expect(FineFormula.rupiah(1000) == "Rp 1.000")
    }
}
