import AsyncHTTPClient
import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PantauCore
import ServiceLifecycle
import Synchronization
import Testing
@testable import PantauApp

/// A platform's webhook receiver: a real HTTP server on 127.0.0.1 that
/// verifies signatures and records every delivery by idempotency key. It can
/// answer 500s, hang, or be stopped and started again on the same port.
final class PlatformReceiver: Sendable {
    struct State {
        var deliveries: [String] = []
        var badSignatures = 0
        var failNext = 0
        var hangNext = 0
    }
    let secret: String
    let state = Mutex(State())
    private let server = Mutex<(task: Task<Void, any Error>, port: Int)?>(nil)

    init(secret: String) { self.secret = secret }

    var port: Int { server.withLock { $0?.port ?? 0 } }
    var deliveries: [String] { state.withLock { $0.deliveries } }

    func start(port requested: Int = 0) async throws {
        let router = Router()
        router.post("/webhook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let signature = request.headers[.init("Pantau-Signature")!] ?? ""
            let key = request.headers[.init("Idempotency-Key")!] ?? ""
            let valid = WebhookSignature.verify(header: signature, body: Array(buffer: body), secret: self.secret,
                                                now: Int(Date().timeIntervalSince1970))
            let (fail, hang) = self.state.withLock { state -> (Bool, Bool) in
                if !valid { state.badSignatures += 1 }
                state.deliveries.append(key)
                if state.hangNext > 0 { state.hangNext -= 1; return (false, true) }
                if state.failNext > 0 { state.failNext -= 1; return (true, false) }
                return (false, false)
            }
            if hang { try await Task.sleep(for: .seconds(3)) }
            if !valid { return .unauthorized }
            return fail ? .internalServerError : .ok
        }
        let running = await startLocalServer(router, port: requested)
        server.withLock { $0 = running }
    }

    func stop() async {
        guard let running = server.withLock({ $0 }) else { return }
        running.task.cancel()
        _ = try? await running.task.value
    }
}

/// Runs `router` as a real HTTP server on 127.0.0.1 (`port` 0: any free
/// one); answers the server's task and the port it listens on.
func startLocalServer(_ router: Router<BasicRequestContext>, port requested: Int = 0) async -> (task: Task<Void, any Error>, port: Int) {
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: requested)),
                          onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
                          logger: Logger(label: "receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
    let task = Task { try await app.runService(gracefulShutdownSignals: []) }
    var bound = 0
    for await port in stream { bound = port; break }
    return (task, bound)
}

/// Drives the delivery worker until every outbox message is delivered (or a limit).
func deliverAll(_ worker: Worker, client: OutboundHTTP, database: PantauDatabase, seconds: Double = 20) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        try await worker.runOnce(client: client)
        let open = try await OutboxModel.query(on: database.db).filter(\.$status == "pending").count()
        if open == 0 { return }
        try await Task.sleep(for: .milliseconds(50))
    }
}

@Suite(.serialized) struct DeliveryTests {
    /// A fresh database with the app's services, a platform webhook pointing
    /// at the receiver, and a worker with short retries.
    func withDelivery(_ backend: Backend, batchMinutes: Int = 0,
                      _ body: @Sendable (any TestClientProtocol, AccountService, PantauDatabase, PlatformReceiver, Worker, OutboundHTTP) async throws -> Void) async throws {
        let receiver = PlatformReceiver(secret: "whsec-test-secret")
        try await receiver.start()
        try await withAppAndRoutes(backend, configure: { $0.orderBatchMinutes = batchMinutes; $0.embeddedWorker = false }) { client, _, accounts, db in
            try await PlatformDeliveryModel.query(on: db.db).filter(\.$id == "tiktok")
                .set(\.$webhookURL, to: "http://127.0.0.1:\(receiver.port)/webhook").set(\.$webhookSecret, to: receiver.secret).update()
            let worker = try await testWorker(db, configure: { $0.orderBatchMinutes = batchMinutes })
            let http = OutboundHTTP(allowInternal: true)
            do {
                try await body(client, accounts, db, receiver, worker, http)
            } catch {
                await http.shutdown()
                await receiver.stop()
                throw error
            }
            await http.shutdown()
        }
        await receiver.stop()
    }

    /// Files a report on a TikTok video and decides it "violating → takedown order".
    func decideTakedown(_ client: any TestClientProtocol, _ analyst: Staff, video: Int) async throws -> String {
        let (_, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@x/video/\(7_301_234_567_890_000_000 + video)", category: "pornografi")
        let decision = #"{"verdict":"violating","category":"pornografi","legal_bases":["uu-44-2008"],"statement":"\#(statement)","public_reason":"Pornografi.","action":"takedown_order"}"#
        let response = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision))
        #expect(response.status == .created, "\(response.text)")
        return caseID
    }

    @Test(arguments: Backend.available)
    func decisionBecomesASignedOrderDeliveredOnceDespiteFailures(backend: Backend) async throws {
        try await withDelivery(backend) { client, accounts, db, receiver, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            _ = try await decideTakedown(client, analyst, video: 1)
            // The decision's transaction wrote the order and its outbox message.
            let order = try #require(try await OrderModel.query(on: db.db).first())
            #expect(order.number.hasPrefix("SPT-") && order.status == "dispatching")
            #expect(try await OutboxModel.query(on: db.db).count() == 1)

            receiver.state.withLock { $0.failNext = 2 }
            try await deliverAll(worker, client: http, database: db)
            #expect(receiver.deliveries == [UUIDText.lower(order.id!), UUIDText.lower(order.id!), UUIDText.lower(order.id!)],
                    "two 500s, then accepted: three attempts of one order")
            #expect(receiver.state.withLock { $0.badSignatures } == 0)
            let sent = try #require(try await OrderModel.find(order.id, on: db.db))
            #expect(sent.status == "sent")
            let deadline = try #require(sent.deadlineAt)
            #expect(abs(deadline.timeIntervalSince(try #require(sent.sentAt)) - 24 * 3600) < 1)
            let attempts = try await DeliveryAttemptModel.query(on: db.db).sort(\.$attempt).all()
            #expect(attempts.map(\.httpStatus) == [500, 500, 200])
            // Another pass sends nothing more.
            try await worker.runOnce(client: http)
            #expect(receiver.deliveries.count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func webhooksReachOnlyThePublicInternetCheckedWhenConnecting(backend: Backend) async throws {
        try await withDelivery(backend) { client, accounts, db, receiver, worker, _ in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            // A name that resolves to this machine, as one an attacker controls would.
            try await PlatformDeliveryModel.query(on: db.db).filter(\.$id == "tiktok")
                .set(\.$webhookURL, to: "http://orders.tiktok.example:\(receiver.port)/webhook").update()
            let names: @Sendable (String) async -> [NetworkAddress] = { host in
                host == "orders.tiktok.example" ? [NetworkAddress("127.0.0.1")!] : []
            }
            let strict = OutboundHTTP(allowInternal: false, resolve: names)
            _ = try await decideTakedown(client, analyst, video: 1)
            try await worker.runOnce(client: strict)
            #expect(receiver.deliveries.isEmpty, "nothing reached the internal address")
            let refused = try #require(try await DeliveryAttemptModel.query(on: db.db).first()?.error)
            #expect(refused.contains("internal network (loopback)"), "\(refused)")
            #expect(!refused.contains("127.0.0.1") && !refused.contains(String(receiver.port)), "no address or port in the error: \(refused)")
            await strict.shutdown()

            // Allowed (tests, a local set-up), the request goes to the very
            // address that was checked: this name exists nowhere but here.
            let local = OutboundHTTP(allowInternal: true, resolve: names)
            try await deliverAll(worker, client: local, database: db)
            #expect(receiver.deliveries.count == 1)

            // A port where nothing listens: the error says so in words, without socket details.
            try await PlatformDeliveryModel.query(on: db.db).filter(\.$id == "tiktok")
                .set(\.$webhookURL, to: "http://127.0.0.1:1/webhook").update()
            _ = try await decideTakedown(client, analyst, video: 2)
            try await worker.runOnce(client: local)
            let failed = try await DeliveryAttemptModel.query(on: db.db).filter(\.$error != nil).all().compactMap(\.error)
            #expect(failed.contains("could not connect"), "\(failed)")
            #expect(failed.allSatisfy { !$0.contains("127.0.0.1") && !$0.contains(":1") && !$0.lowercased().contains("errno") }, "\(failed)")
            await local.shutdown()
        }
    }

    @Test(arguments: Backend.available)
    func nothingIsLostWhileThePlatformIsDownAndHangsAreRetried(backend: Backend) async throws {
        try await withDelivery(backend) { client, accounts, db, receiver, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let port = receiver.port
            await receiver.stop()
            for video in 1...5 { _ = try await decideTakedown(client, analyst, video: video) }
            for _ in 0..<4 {
                try await worker.runOnce(client: http)
                try await Task.sleep(for: .milliseconds(120))
            }
            #expect(try await DeliveryAttemptModel.query(on: db.db).filter(\.$error != nil).count() >= 5, "every order tried while down")
            try await receiver.start(port: port)
            receiver.state.withLock { $0.hangNext = 1 }
            try await deliverAll(worker, client: http, database: db)
            let orders = try await OrderModel.query(on: db.db).all()
            #expect(orders.count == 5 && orders.allSatisfy { $0.status == "sent" })
            #expect(Set(receiver.deliveries) == Set(orders.map { UUIDText.lower($0.id!) }), "every order reached the platform")
        }
    }

    @Test(arguments: Backend.available)
    func anOrderWhoseTransactionRolledBackIsNeverSent(backend: Backend) async throws {
        try await withDelivery(backend) { client, accounts, db, receiver, worker, http in
            let (_, caseText) = try await fileReport(client, url: "https://www.tiktok.com/@x/video/7301234567890009999", category: "pornografi")
            let caseID = try #require(UUIDText.parse(caseText))
            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await db.writeTransaction { tx in
                    let model = try #require(try await CaseModel.find(caseID, on: tx))
                    let decision = DecisionModel()
                    decision.id = UUID()
                    decision.caseID = caseID
                    decision.verdict = "violating"
                    decision.categoryID = "pornografi"
                    decision.legalBases = "uu-44-2008"
                    decision.statement = statement
                    decision.publicReason = ""
                    decision.automatedDetection = false
                    decision.automatedDecision = false
                    decision.action = "takedown_order"
                    decision.needsApproval = false
                    decision.state = "final"
                    decision.decidedBy = UUID()
                    decision.decidedByEmail = "x@test"
                    decision.decidedAt = Date()
                    try await decision.create(on: tx)
                    let orders = OrderService(database: db, clock: SystemClock(), categories: CategoryIndex(CategoryCatalog.defaults), batchWindow: 0)
                    try await orders.follow(decision, case: model, ledger: CaseLedger(database: db), at: Date(), on: tx)
                    throw Abort()
                }
            }
            #expect(try await OutboxModel.query(on: db.db).count() == 0)
            #expect(try await OrderModel.query(on: db.db).count() == 0)
            try await worker.runOnce(client: http)
            #expect(receiver.deliveries.isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func decisionsInTheWindowShareOneOrderPerPlatformAndUrgency(backend: Backend) async throws {
        try await withDelivery(backend, batchMinutes: 15) { client, accounts, db, receiver, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            for video in 1...3 { _ = try await decideTakedown(client, analyst, video: video) }
            let orders = try await OrderModel.query(on: db.db).all()
            #expect(orders.count == 1 && orders.first?.status == "queued")
            #expect(try await OrderItemModel.query(on: db.db).count() == 3)
            try await worker.runOnce(client: http)
            #expect(receiver.deliveries.isEmpty, "the window is still open")
            // Close the window now.
            try await OrderModel.query(on: db.db).set(\.$batchClosesAt, to: Date().addingTimeInterval(-1)).update()
            try await deliverAll(worker, client: http, database: db)
            #expect(receiver.deliveries == [UUIDText.lower(orders[0].id!)])
        }
    }

    @Test(arguments: Backend.available)
    func twoWorkersNeverSendTheSameOrderTwice(backend: Backend) async throws {
        try await withDelivery(backend) { client, accounts, db, receiver, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            for video in 1...24 { _ = try await decideTakedown(client, analyst, video: video) }
            let second = try await testWorker(db, tune: { $0.name = "second-worker"; $0.batchSize = 3 }, configure: { $0.orderBatchMinutes = 0 })
            let first = try await testWorker(db, tune: { $0.name = "first-worker"; $0.batchSize = 3 }, configure: { $0.orderBatchMinutes = 0 })
            let http2 = OutboundHTTP(allowInternal: true)
            async let a: Void = deliverAll(first, client: http, database: db)
            async let b: Void = deliverAll(second, client: http2, database: db)
            _ = try await (a, b)
            try await http2.shutdown()
            let orders = try await OrderModel.query(on: db.db).all()
            #expect(orders.count == 24 && orders.allSatisfy { $0.status == "sent" })
            #expect(receiver.deliveries.count == 24, "no order sent twice: \(receiver.deliveries.count) deliveries")
            #expect(Set(receiver.deliveries) == Set(orders.map { UUIDText.lower($0.id!) }))
            let workers = Set(try await DeliveryAttemptModel.query(on: db.db).all().map(\.worker))
            #expect(workers == ["first-worker", "second-worker"], "both workers took part")
        }
    }
}
