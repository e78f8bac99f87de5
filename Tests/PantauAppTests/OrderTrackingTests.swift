import AsyncHTTPClient
import Crypto
import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Synchronization
import Testing
@testable import PantauApp

/// A clock the test moves by hand.
final class ManualClock: PantauClock {
    private let current: Mutex<Date>
    init(_ date: Date) { current = Mutex(date) }
    func now() -> Date { current.withLock { $0 } }
    func set(_ date: Date) { current.withLock { $0 = date } }
}

/// A platform liaison's API token, bound to its platform.
func platformToken(_ accounts: AccountService, _ platform: Platform) async throws -> HTTPFields {
    let email = "liaison@\(platform.rawValue).test"
    _ = try await accounts.createUser(email: email, role: .platform, platform: platform, password: "password-\(email)", actor: "test")
    let token = try await accounts.createToken(email: email, name: "connector", actor: "test").token
    return [.authorization: "Bearer \(token)", .contentType: "application/json"]
}

@Suite(.serialized) struct OrderTrackingTests {
    let delivery = DeliveryTests()

    /// Three TikTok takedown orders, delivered; returns (order ids, tickets) in decision order.
    func threeDeliveredOrders(_ client: any TestClientProtocol, _ accounts: AccountService, _ db: PantauDatabase, _ worker: Worker,
                              _ http: OutboundHTTP) async throws -> (orders: [OrderModel], tickets: [String], analyst: Staff) {
        let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
        var tickets: [String] = []
        for video in 1...3 {
            let (ticket, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@x/video/\(7_301_234_567_890_100_000 + video)", category: "pornografi")
            let decision = #"{"verdict":"violating","category":"pornografi","legal_bases":["uu-44-2008"],"statement":"\#(statement)","public_reason":"Pornografi.","action":"takedown_order"}"#
            let response = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision))
            #expect(response.status == .created, "\(response.text)")
            tickets.append(ticket)
        }
        try await deliverAll(worker, client: http, database: db)
        let orders = try await OrderModel.query(on: db.db).sort(\.$number).all()
        #expect(orders.count == 3 && orders.allSatisfy { $0.status == "sent" && $0.deadlineAt != nil })
        return (orders, tickets, analyst)
    }

    func items(_ order: [String: Any]) -> [[String: Any]] { order["items"] as? [[String: Any]] ?? [] }

    @Test(arguments: Backend.available)
    func platformAnswersThroughItsAPIAndTheFiguresAndTicketsFollow(backend: Backend) async throws {
        try await delivery.withDelivery(backend) { client, accounts, db, _, worker, http in
            let (orders, tickets, analyst) = try await threeDeliveredOrders(client, accounts, db, worker, http)
            let tiktok = try await platformToken(accounts, .tiktok)
            let x = try await platformToken(accounts, .x)

            let listed = try json(try await client.execute(uri: "/api/v1/platform/orders", method: .get, headers: tiktok))
            let list = try #require(listed["orders"] as? [[String: Any]])
            #expect(Set(list.compactMap { $0["number"] as? String }) == Set(orders.map(\.number)))
            #expect(list.allSatisfy { items($0).first?["due_at"] != nil }, "every item carries its deadline")
            let filtered = try json(try await client.execute(uri: "/api/v1/platform/orders?status=complied", method: .get, headers: tiktok))
            #expect((filtered["orders"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.execute(uri: "/api/v1/platform/orders?status=nonsense", method: .get, headers: tiktok).status == .badRequest)
            #expect(try await client.execute(uri: "/api/v1/platform/orders?since=yesterday", method: .get, headers: tiktok).status == .badRequest)

            // Another platform sees none of it, on every endpoint, and changes nothing.
            #expect((try json(try await client.execute(uri: "/api/v1/platform/orders", method: .get, headers: x))["orders"] as? [Any])?.isEmpty == true)
            let first = orders[0], firstID = UUIDText.lower(first.id!)
            let itemIDs = try await orders.asyncMap { try await OrderItemModel.query(on: db.db).filter(\.$orderID == $0.id!).first()!.id! }
            let complied = #"{"answer":"complied","removed_at":"\#(isoTimestamp(Date().addingTimeInterval(-60)))"}"#
            #expect(try await client.execute(uri: "/api/v1/platform/orders/\(firstID)", method: .get, headers: x).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/platform/orders/\(firstID)/acknowledge", method: .post, headers: x).status == .notFound)
            #expect(try await client.execute(uri: "/api/v1/platform/orders/\(firstID)/items/\(UUIDText.lower(itemIDs[0]))", method: .post,
                                             headers: x, body: ByteBuffer(string: complied)).status == .notFound)
            #expect(try await OrderModel.find(first.id, on: db.db)?.acknowledgedAt == nil)
            #expect(try await OrderItemModel.find(itemIDs[0], on: db.db)?.status == "pending")
            // Staff tokens are not platform tokens.
            #expect(try await client.execute(uri: "/api/v1/platform/orders", method: .get, headers: analyst.auth).status == .forbidden)

            // Acknowledge (twice: idempotent).
            for _ in 0..<2 {
                let ack = try await client.execute(uri: "/api/v1/platform/orders/\(firstID)/acknowledge", method: .post, headers: tiktok)
                #expect(ack.status == .ok)
                #expect(try json(ack)["status"] as? String == "acknowledged")
            }

            // Complied: the order is complied, the reporter sees the content removed; a retry changes nothing; another answer is refused.
            let answerURI = "/api/v1/platform/orders/\(firstID)/items/\(UUIDText.lower(itemIDs[0]))"
            let answered = try await client.execute(uri: answerURI, method: .post, headers: tiktok, body: ByteBuffer(string: complied))
            #expect(answered.status == .ok, "\(answered.text)")
            #expect(try json(answered)["status"] as? String == "complied")
            #expect(items(try json(answered)).first?["answered_late"] as? Bool == false)
            let retry = try await client.execute(uri: answerURI, method: .post, headers: tiktok, body: ByteBuffer(string: complied))
            #expect(retry.status == .ok && retry.headers[.init("Idempotent-Replayed")!] == "true")
            let changed = try await client.execute(uri: answerURI, method: .post, headers: tiktok,
                                                   body: ByteBuffer(string: #"{"answer":"rejected","reason":"Kami menilai konten ini sesuai pedoman komunitas."}"#))
            #expect(changed.status == .conflict)
            #expect(try json(try await client.execute(uri: "/api/v1/reports/\(tickets[0])", method: .get))["outcome"] as? String == "violating_content_removed")

            // Bad answers write nothing.
            let second = "/api/v1/platform/orders/\(UUIDText.lower(orders[1].id!))/items/\(UUIDText.lower(itemIDs[1]))"
            #expect(try await client.execute(uri: second, method: .post, headers: tiktok, body: ByteBuffer(string: #"{"answer":"rejected"}"#)).status == .unprocessableContent)
            #expect(try await client.execute(uri: second, method: .post, headers: tiktok, body: ByteBuffer(string: #"{"answer":"maybe"}"#)).status == .unprocessableContent)
            #expect(try await client.execute(uri: second, method: .post, headers: tiktok, body: ByteBuffer(string: #"{"answer":"complied"}"#)).status == .unprocessableContent)
            #expect(try await client.execute(uri: second, method: .post, headers: tiktok,
                                             body: ByteBuffer(string: #"{"answer":"complied","removed_at":"2999-01-01T00:00:00Z"}"#)).status == .unprocessableContent)
            #expect(try await client.execute(uri: second, method: .post, headers: tiktok, body: ByteBuffer(string: "{")).status == .badRequest)
            #expect(try await OrderItemModel.find(itemIDs[1], on: db.db)?.status == "pending")

            // Rejected: the reporter sees the refusal.
            let rejected = try await client.execute(uri: second, method: .post, headers: tiktok,
                                                    body: ByteBuffer(string: #"{"answer":"rejected","reason":"Konten ini satire dan sesuai pedoman komunitas kami."}"#))
            #expect(rejected.status == .ok, "\(rejected.text)")
            #expect(try json(try await client.execute(uri: "/api/v1/reports/\(tickets[1])", method: .get))["outcome"] as? String == "violating_platform_refused")

            // Objected: becomes an appeal from the platform; the case is reviewed again by someone else.
            let third = "/api/v1/platform/orders/\(UUIDText.lower(orders[2].id!))/items/\(UUIDText.lower(itemIDs[2]))"
            let objected = try await client.execute(uri: third, method: .post, headers: tiktok,
                                                    body: ByteBuffer(string: #"{"answer":"objected","reason":"Video ini materi edukasi kesehatan dari lembaga resmi."}"#))
            #expect(objected.status == .ok, "\(objected.text)")
            let appealRef = try #require(items(try json(objected)).first?["appeal"] as? String)
            let objectedItem = try #require(try await OrderItemModel.find(itemIDs[2], on: db.db))
            let appeal = try #require(try await AppealModel.query(on: db.db).filter(\.$reference == appealRef).first())
            #expect(appeal.source == "platform_objection" && appeal.platformID == "tiktok" && appeal.caseID == objectedItem.caseID)
            let reopened = try #require(try await CaseModel.find(objectedItem.caseID, on: db.db))
            #expect(reopened.status == "reopened")
            #expect(try json(try await client.execute(uri: "/api/v1/reports/\(tickets[2])", method: .get))["outcome"] as? String == "reviewed_again")

            // A second analyst upholds the decision: the objected item goes back to the platform with a fresh deadline, no second item.
            let analyst2 = try await Staff.make(accounts, "analis2@kominfo.test", .analyst)
            let uphold = #"{"verdict":"violating","category":"pornografi","legal_bases":["uu-44-2008"],"statement":"\#(statement)","public_reason":"Pornografi.","action":"takedown_order"}"#
            let upheld = try await client.execute(uri: "/api/v1/cases/\(UUIDText.lower(reopened.id!))/decisions", method: .post, headers: analyst2.auth,
                                                  body: ByteBuffer(string: uphold))
            #expect(upheld.status == .created, "\(upheld.text)")
            let reinstated = try #require(try await OrderItemModel.find(itemIDs[2], on: db.db))
            #expect(reinstated.status == "pending" && (reinstated.dueAt ?? .distantPast) > objectedItem.dueAt!)
            #expect(try await OrderItemModel.query(on: db.db).filter(\.$caseID == reopened.id!).count() == 1)

            // Every change is in the platform's history and in the cases' chains.
            let kinds = Set(try await PlatformEventModel.query(on: db.db).all().map(\.kind))
            #expect(kinds.isSuperset(of: ["order_dispatched", "order_sent", "order_acknowledged", "item_complied", "item_rejected", "item_objected",
                                          "item_objection_dismissed"]))
            let caseKinds = try await CaseEventModel.query(on: db.db).filter(\.$caseID == reopened.id!).sort(\.$sequence).all().map(\.kind)
            #expect(caseKinds.contains("order_sent") && caseKinds.contains("order_item_objected") && caseKinds.contains("appeal_filed")
                    && caseKinds.last == "order_item_objection_dismissed", "\(caseKinds)")
            let verify = try json(try await client.execute(uri: "/api/v1/cases/\(UUIDText.lower(reopened.id!))", method: .get, headers: analyst.auth))
            #expect(verify["chain_intact"] as? Bool == true)

            // Compliance: 1 complied on time of 2 settled (the reinstated item is open and not yet due).
            let figures = try json(try await client.execute(uri: "/api/v1/compliance?period=month", method: .get, headers: analyst.auth))
            let tiktokRow = try #require((figures["platforms"] as? [[String: Any]])?.first { $0["platform"] as? String == "tiktok" })
            #expect(tiktokRow["items"] as? Int == 3)
            #expect(tiktokRow["on_time_rate"] as? Double == 0.5)
            let oneThird = 1.0 / 3.0
            #expect((tiktokRow["rejected_share"] as? Double).map { abs($0 - oneThird) < 1e-9 } == true, "\(tiktokRow)")
            #expect((tiktokRow["objected_share"] as? Double).map { abs($0 - oneThird) < 1e-9 } == true, "a dismissed objection still counts: \(tiktokRow)")
            #expect(try await client.execute(uri: "/api/v1/compliance?period=custom&from=2026-13-01&to=2026-12-01", method: .get,
                                             headers: analyst.auth).status == .badRequest)

            // Re-check: found still online → open again, counted against the platform.
            let triage = try await Staff.make(accounts, "triage@kominfo.test", .triage)
            let recheckURI = "/api/v1/order-items/\(UUIDText.lower(itemIDs[0]))/recheck"
            #expect(try await client.execute(uri: recheckURI, method: .post, headers: triage.auth,
                                             body: ByteBuffer(string: #"{"evidence":"Masih tayang pada 1 Des pukul 10.00"}"#)).status == .forbidden)
            #expect(try await client.execute(uri: recheckURI, method: .post, headers: analyst.auth, body: ByteBuffer(string: #"{"evidence":"x"}"#)).status == .unprocessableContent)
            let recheck = try await client.execute(uri: recheckURI, method: .post, headers: analyst.auth,
                                                   body: ByteBuffer(string: #"{"evidence":"Masih tayang pada 1 Des pukul 10.00 WIB, tangkapan layar terlampir."}"#))
            #expect(recheck.status == .ok, "\(recheck.text)")
            let rechecked = try #require(items(try json(recheck)).first)
            #expect(rechecked["status"] as? String == "pending" && rechecked["times_found_online"] as? Int == 1)
            #expect(try await client.execute(uri: recheckURI, method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: #"{"evidence":"Masih tayang pada 1 Des pukul 10.00 WIB."}"#)).status == .conflict,
                    "only a complied item can be re-checked")
            let after = try json(try await client.execute(uri: "/api/v1/compliance?period=month", method: .get, headers: analyst.auth))
            let afterRow = try #require((after["platforms"] as? [[String: Any]])?.first { $0["platform"] as? String == "tiktok" })
            #expect(afterRow["found_online_again"] as? Int == 1)
            #expect(afterRow["on_time_rate"] as? Double == 0.0, "\(afterRow)")
            #expect(try json(try await client.execute(uri: "/api/v1/reports/\(tickets[0])", method: .get))["outcome"] as? String == "violating_order_sent")
        }
    }

    @Test(arguments: Backend.available)
    func theDeadlineMonitorMarksItemsOverdueAtTheDeadlineAndLateAnswersCount(backend: Backend) async throws {
        try await delivery.withDelivery(backend) { client, accounts, db, _, worker, http in
            let (orders, _, _) = try await threeDeliveredOrders(client, accounts, db, worker, http)
            let item = try #require(try await OrderItemModel.query(on: db.db).filter(\.$orderID == orders[0].id!).first())
            let due = try #require(item.dueAt)
            #expect(abs(due.timeIntervalSince(orders[0].sentAt!) - 24 * 3600) < 1, "24 h for pornografi")

            let clock = ManualClock(due.addingTimeInterval(-1))
            let monitor = OrderService(database: db, clock: clock, categories: CategoryIndex(CategoryCatalog.defaults), batchWindow: 0)
            #expect(try await monitor.markOverdueItems() == 0, "one second before the deadline nothing is overdue")
            #expect(try await OrderItemModel.find(item.id, on: db.db)?.status == "pending")
            // Times go through the database as floating-point seconds: "at the
            // deadline" is checked to the millisecond.
            clock.set(due.addingTimeInterval(0.001))
            let atDeadline = try await monitor.markOverdueItems()
            let firstStatus = try await OrderItemModel.find(item.id, on: db.db)?.status
            #expect(atDeadline >= 1 && firstStatus == "overdue", "overdue at its deadline exactly")
            let lastDue = try #require(try await OrderItemModel.query(on: db.db).all().compactMap(\.dueAt).max())
            clock.set(lastDue.addingTimeInterval(0.001))
            #expect(try await monitor.markOverdueItems() == 3 - atDeadline, "at the last deadline every unanswered item is overdue")
            #expect(try await monitor.markOverdueItems() == 0, "and only once")
            #expect(try await OrderModel.query(on: db.db).all().allSatisfy { $0.status == "overdue" })
            #expect(try await PlatformEventModel.query(on: db.db).filter(\.$kind == "item_overdue").count() == 3)
            #expect(try await CaseEventModel.query(on: db.db).filter(\.$kind == "order_item_overdue").count() == 3)

            let tracking = OrderTrackingService(orders: monitor, appeals: AppealService(ledger: CaseLedger(database: db),
                                                                                       contactCipher: ContactCipher(key: .init(size: .bits256))))
            // A late answer is recorded as late and does not count as on time.
            clock.set(lastDue.addingTimeInterval(3600))
            let result = try await tracking.answer(item: item.id!, of: orders[0].id!, platform: "tiktok", answer: .complied,
                                                   removedAt: due.addingTimeInterval(1800), reason: nil, actor: "test:platform")
            #expect(result.changed && result.item.answeredLate == true && result.order.status == "complied")
            let compliance = try await tracking.compliance(platform: "tiktok", from: due.addingTimeInterval(-2 * 86_400), to: lastDue)
            #expect(compliance.figures.settled == 3 && compliance.figures.compliedOnTime == 0 && compliance.figures.overdueNow == 2)
            #expect(compliance.figures.medianSecondsToComply.map { abs($0 - (24 * 3600 + 1800)) < 2 } == true)
        }
    }

    @Test(arguments: Backend.available)
    func theSanctionsLadderNeedsFourEyesAndCitesOnlyOverdueOrRefusedItems(backend: Backend) async throws {
        try await delivery.withDelivery(backend) { client, accounts, db, _, worker, http in
            let (orders, _, analyst) = try await threeDeliveredOrders(client, accounts, db, worker, http)
            let tiktok = try await platformToken(accounts, .tiktok)
            let supA = try await Staff.make(accounts, "supa@kominfo.test", .supervisor)
            let supB = try await Staff.make(accounts, "supb@kominfo.test", .supervisor)
            let itemIDs = try await orders.asyncMap { try await OrderItemModel.query(on: db.db).filter(\.$orderID == $0.id!).first()!.id! }
            // Item 0 refused, item 1 complied, item 2 overdue.
            let refused = try await client.execute(uri: "/api/v1/platform/orders/\(UUIDText.lower(orders[0].id!))/items/\(UUIDText.lower(itemIDs[0]))", method: .post,
                                                   headers: tiktok, body: ByteBuffer(string: #"{"answer":"rejected","reason":"Kami menilai konten ini sesuai pedoman komunitas."}"#))
            #expect(refused.status == .ok, "\(refused.text)")
            let complied = try await client.execute(uri: "/api/v1/platform/orders/\(UUIDText.lower(orders[1].id!))/items/\(UUIDText.lower(itemIDs[1]))", method: .post,
                                                    headers: tiktok, body: ByteBuffer(string: #"{"answer":"complied","removed_at":"\#(isoTimestamp(Date()))"}"#))
            #expect(complied.status == .ok, "\(complied.text)")
            let due = try #require(try await OrderItemModel.find(itemIDs[2], on: db.db)?.dueAt)
            let marked = try await OrderService(database: db, clock: FixedClock(due.addingTimeInterval(0.001)), categories: CategoryIndex(CategoryCatalog.defaults), batchWindow: 0).markOverdueItems()
            let overdueStatus = try await OrderItemModel.find(itemIDs[2], on: db.db)?.status
            #expect(marked == 1 && overdueStatus == "overdue")

            func propose(_ items: [UUID], by staff: Staff) async throws -> TestResponse {
                let body = #"{"platform":"tiktok","items":[\#(items.map { "\"\(UUIDText.lower($0))\"" }.joined(separator: ","))],"reason":"Tidak menurunkan konten pornografi dalam batas waktu."}"#
                return try await client.execute(uri: "/api/v1/sanctions", method: .post, headers: staff.auth, body: ByteBuffer(string: body))
            }
            #expect(try await propose([itemIDs[1]], by: analyst).status == .unprocessableContent, "a complied item cannot be cited")
            #expect(try await SanctionModel.query(on: db.db).count() == 0)

            // On the page, a refused proposal keeps its reason and the items ticked, the message beside the reason.
            _ = try await accounts.createUser(email: "web@kominfo.test", role: .analyst, platform: nil, password: "password-web-kominfo", actor: "test")
            let cookie = try #require(try await signIn(client, email: "web@kominfo.test", password: "password-web-kominfo").1)
            let page = try await client.execute(uri: "/kepatuhan/tiktok", method: .get, headers: [.cookie: cookie]).text
            #expect(page.contains("id=\"sanction-form\""))
            let csrf = try #require(csrfToken(in: page))
            let short = try await client.execute(uri: "/sanksi", method: .post, headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"],
                                                 body: ByteBuffer(string: "_csrf=\(csrf)&platform=tiktok&item=\(UUIDText.lower(itemIDs[2]))&reason=pendek"))
            #expect(short.status == .unprocessableContent && short.text.contains(">pendek</textarea>") && short.text.contains("id=\"sanction-reason-error\""))
            #expect(short.text.contains("value=\"\(UUIDText.lower(itemIDs[2]))\" id=\"item-\(UUIDText.lower(itemIDs[2]))\" checked")
                    && !short.text.contains("value=\"\(UUIDText.lower(itemIDs[0]))\" id=\"item-\(UUIDText.lower(itemIDs[0]))\" checked"), "the items chosen stay chosen")
            #expect(try await SanctionModel.query(on: db.db).count() == 0)

            var levels: [String] = []
            for step in 0..<4 {
                let proposed = try await propose([itemIDs[0], itemIDs[2]], by: supA)
                #expect(proposed.status == .created, "step \(step): \(proposed.text)")
                let sanction = try json(proposed)
                let id = try #require(sanction["id"] as? String)
                levels.append(sanction["level"] as? String ?? "")
                if step == 1 { #expect((sanction["fine_amount"] as? Int) == 200_000_000, "ST2: Rp 100 juta × 2 items") }
                if step == 0 { #expect(sanction["fine_amount"] == nil) }
                #expect(try await propose([itemIDs[0]], by: analyst).status == .conflict, "one proposal waits at a time")
                let own = try await client.execute(uri: "/api/v1/sanctions/\(id)/review", method: .post, headers: supA.auth, body: ByteBuffer(string: #"{"approve":true}"#))
                #expect(own.status == .forbidden, "four eyes: not the proposer")
                #expect(try await client.execute(uri: "/api/v1/sanctions/\(id)/review", method: .post, headers: analyst.auth,
                                                 body: ByteBuffer(string: #"{"approve":true}"#)).status == .forbidden, "analysts do not approve")
                let approved = try await client.execute(uri: "/api/v1/sanctions/\(id)/review", method: .post, headers: supB.auth, body: ByteBuffer(string: #"{"approve":true}"#))
                let approvedState = try json(approved)["state"] as? String
                #expect(approved.status == .ok && approvedState == "issued")
            }
            #expect(levels == ["st1", "st2", "st3", "block_recommended"])
            #expect(try await propose([itemIDs[0]], by: supA).status == .conflict, "the ladder ends with the block recommendation")
            let history = try await PlatformEventModel.query(on: db.db).filter(\.$platformID == "tiktok").filter(\.$sanctionID != nil).all().map(\.kind)
            #expect(history.filter { $0 == "sanction_proposed" }.count == 4 && history.filter { $0 == "sanction_issued" }.count == 4)

            let issued = try await SanctionModel.query(on: db.db).filter(\.$level == "st2").first()!
            #expect(issued.fineAmount == 200_000_000 && issued.state == "issued")

            // The block recommendation becomes a block proposal that cites it.
            let recommendation = try #require(try await SanctionModel.query(on: db.db).filter(\.$level == "block_recommended").first())
            let block = try await client.execute(uri: "/api/v1/blocks", method: .post, headers: supA.auth, body: ByteBuffer(string:
                #"{"names":["*.tiktok.com"],"reason":"Rekomendasi pemutusan akses setelah ST3 tidak diindahkan.","legal_bases":["permenkominfo-5-2020"],"sanction_id":"\#(UUIDText.lower(recommendation.id!))"}"#))
            #expect(block.status == .created, "\(block.text)")
            #expect(try await BlockProposalModel.query(on: db.db).first()?.sanctionID == recommendation.id)
        }
    }

    @Test(arguments: Backend.available)
    func staffPagesAndThePlatformPortalWorkInABrowserSession(backend: Backend) async throws {
        try await delivery.withDelivery(backend) { client, accounts, db, _, worker, http in
            let (orders, _, _) = try await threeDeliveredOrders(client, accounts, db, worker, http)
            _ = try await accounts.createUser(email: "lihat@kominfo.test", role: .supervisor, platform: nil, password: "password-lihat-kominfo", actor: "test")
            let (_, staffCookie) = try await signIn(client, email: "lihat@kominfo.test", password: "password-lihat-kominfo")
            let staff: HTTPFields = [.cookie: try #require(staffCookie)]
            let orderID = UUIDText.lower(orders[0].id!)

            let list = try await client.execute(uri: "/perintah", method: .get, headers: staff)
            #expect(list.status == .ok && orders.allSatisfy { list.text.contains($0.number) })
            let page = try await client.execute(uri: "/perintah/\(orderID)", method: .get, headers: staff)
            #expect(page.status == .ok && page.text.contains("HTTP 200") && page.text.contains(PlatformEventKind.orderSent.title.id), "attempts and history on the order page")
            let letter = try await client.execute(uri: "/perintah/\(orderID)/surat?lang=en", method: .get, headers: staff)
            #expect(letter.status == .ok && letter.text.contains("Takedown Order") && letter.text.contains(orders[0].number) && letter.text.contains("UU 44/2008"))
            #expect(letter.text.contains("signatory-missing"), "a letter without a signatory says so")
            #expect(!letter.text.contains(">uu-") && !letter.text.contains("; uu-"), "legal bases appear by name, not by code")
            try await LetterSignatory(name: "Dr. Contoh Penanda", position: "Direktur Pengendalian Aptika", place: "Jakarta").save(db, actor: "test", at: Date())
            let signed = try await client.execute(uri: "/perintah/\(orderID)/surat", method: .get, headers: staff).text
            #expect(signed.contains("id=\"signature\"") && signed.contains("Dr. Contoh Penanda") && signed.contains("Direktur Pengendalian Aptika")
                    && signed.contains("Jakarta, "))
            let compliance = try await client.execute(uri: "/kepatuhan", method: .get, headers: staff)
            #expect(compliance.status == .ok && compliance.text.contains("TikTok"))
            let platformPage = try await client.execute(uri: "/kepatuhan/tiktok?period=year", method: .get, headers: staff)
            #expect(platformPage.status == .ok && platformPage.text.contains("ST1"))
            #expect(try await client.execute(uri: "/kepatuhan/tiktok?period=decade", method: .get, headers: staff).status == .badRequest)
            #expect(try await client.execute(uri: "/kepatuhan/nowhere", method: .get, headers: staff).status == .notFound)
            #expect(try await client.execute(uri: "/perintah?status=lost", method: .get, headers: staff).status == .badRequest)

            // The liaison signs in, sees the open orders, acknowledges and answers through the forms.
            _ = try await accounts.createUser(email: "liaison@tiktok.test", role: .platform, platform: .tiktok, password: "password-liaison-tiktok", actor: "test")
            let (_, portalCookie) = try await signIn(client, email: "liaison@tiktok.test", password: "password-liaison-tiktok")
            let liaison: HTTPFields = [.cookie: try #require(portalCookie)]
            let portal = try await client.execute(uri: "/portal", method: .get, headers: liaison)
            #expect(portal.status == .ok && orders.allSatisfy { portal.text.contains($0.number) })
            #expect(try await client.execute(uri: "/perintah", method: .get, headers: liaison).status == .forbidden, "liaisons see only the portal")
            let orderPage = try await client.execute(uri: "/portal/perintah/\(orderID)", method: .get, headers: liaison)
            let csrf = try #require(csrfToken(in: orderPage.text))
            var form = liaison
            form[.contentType] = "application/x-www-form-urlencoded"
            let ack = try await client.execute(uri: "/portal/perintah/\(orderID)/terima", method: .post, headers: form, body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(ack.status == .seeOther)
            let itemID = UUIDText.lower(try await OrderItemModel.query(on: db.db).filter(\.$orderID == orders[0].id!).first()!.id!)
            let short = try await client.execute(uri: "/portal/perintah/\(orderID)/butir/\(itemID)", method: .post, headers: form,
                                                 body: ByteBuffer(string: "_csrf=\(csrf)&answer=rejected&reason=tidak"))
            #expect(short.status == .unprocessableContent && short.text.contains("Alasan minimal"), "a readable page says what is missing")
            #expect(short.text.contains(">tidak</textarea>") && short.text.contains("value=\"rejected\" id=\"answer-rejected\" checked"),
                    "the answer and the reason typed come back")
            #expect(short.text.contains("id=\"reason-\(itemID)-error\""), "the message stands beside the reason")
            let badTime = try await client.execute(uri: "/portal/perintah/\(orderID)/butir/\(itemID)", method: .post, headers: form,
                                                   body: ByteBuffer(string: "_csrf=\(csrf)&answer=complied&removed_at=kemarin"))
            #expect(badTime.status == .unprocessableContent && badTime.text.contains("value=\"kemarin\"")
                    && badTime.text.contains("id=\"removed_at-\(itemID)-error\""))
            let forged = try await client.execute(uri: "/portal/perintah/\(orderID)/butir/\(itemID)", method: .post, headers: form,
                                                  body: ByteBuffer(string: "_csrf=wrong&answer=complied"))
            #expect(forged.status == .forbidden)
            #expect(try await OrderItemModel.find(UUIDText.parse(itemID), on: db.db)?.status == "pending", "nothing written by bad forms")
            // The time as a person writes it, in WIB.
            let removed = HumanFormat.minute(Date().addingTimeInterval(-3_600), english: false).replacingOccurrences(of: " ", with: "+")
            let done = try await client.execute(uri: "/portal/perintah/\(orderID)/butir/\(itemID)", method: .post, headers: form,
                                                body: ByteBuffer(string: "_csrf=\(csrf)&answer=complied&removed_at=\(removed)"))
            #expect(done.status == .seeOther, "\(done.text)")
            let order = try #require(try await OrderModel.find(orders[0].id, on: db.db))
            #expect(order.status == "complied" && order.acknowledgedAt != nil)
            let item = try #require(try await OrderItemModel.find(UUIDText.parse(itemID), on: db.db))
            #expect(item.answeredBy == "user:liaison@tiktok.test" && item.removedAt != nil)
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
