import AsyncHTTPClient
import FluentKit
import Foundation
import HummingbirdTesting
import NIOCore
import NIOPosix
import PantauCore
import Synchronization
import Testing
@testable import PantauApp

/// An SMTP server on 127.0.0.1 that accepts every message and keeps it —
/// the operator's relay, for the e-mail fallback of order delivery.
final class SMTPReceiver: Sendable {
    struct Message: Sendable { let from: String; let to: [String]; let data: String }
    let messages = Mutex<[Message]>([])
    private let server = Mutex<(channel: any Channel, task: Task<Void, Never>)?>(nil)
    private let boundPort = Mutex(0)

    var port: Int { boundPort.withLock { $0 } }

    func start() async throws {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        boundPort.withLock { $0 = listener.channel.localAddress?.port ?? 0 }
        let task = Task<Void, Never> {
            _ = try? await listener.executeThenClose { inbound in
                for try await connection in inbound {
                    try? await self.serve(connection)
                }
            }
        }
        server.withLock { $0 = (listener.channel, task) }
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            func say(_ line: String) async throws { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
            try await say("220 test.local ESMTP")
            var buffer = ""
            var from = "", to: [String] = [], inData = false, data: [String] = []
            for try await chunk in inbound {
                buffer += String(buffer: chunk)
                while let end = buffer.range(of: "\r\n") {
                    let line = String(buffer[..<end.lowerBound])
                    buffer.removeSubrange(..<end.upperBound)
                    if inData {
                        if line == "." {
                            inData = false
                            messages.withLock { $0.append(Message(from: from, to: to, data: data.joined(separator: "\r\n"))) }
                            try await say("250 queued")
                        } else {
                            data.append(line.hasPrefix("..") ? String(line.dropFirst()) : line)
                        }
                        continue
                    }
                    let upper = line.uppercased()
                    if upper.hasPrefix("EHLO") { try await say("250-test.local"); try await say("250 8BITMIME") }
                    else if upper.hasPrefix("MAIL FROM:") { from = String(line.dropFirst(10)); try await say("250 ok") }
                    else if upper.hasPrefix("RCPT TO:") { to.append(String(line.dropFirst(8))); try await say("250 ok") }
                    else if upper == "DATA" { inData = true; data = []; try await say("354 go ahead") }
                    else if upper == "QUIT" { try await say("221 bye"); return }
                    else { try await say("502 not implemented") }
                }
            }
        }
    }

    func stop() async {
        guard let running = server.withLock({ $0 }) else { return }
        try? await running.channel.close()
        running.task.cancel()
        _ = await running.task.value
    }
}

@Suite(.serialized) struct EmailDeliveryTests {
    /// A worker for platforms without a webhook: TikTok's liaison has an
    /// e-mail address, and the SMTP relay is `mailer` (nil: none configured).
    func withLiaisonOnly(_ backend: Backend, mailer: SMTPMailer?,
                         _ body: @Sendable (any TestClientProtocol, AccountService, PantauDatabase, Worker, OutboundHTTP) async throws -> Void) async throws {
        try await withAppAndRoutes(backend, configure: { $0.orderBatchMinutes = 0; $0.embeddedWorker = false }) { client, _, accounts, db in
            try await PlatformDeliveryModel.query(on: db.db).filter(\.$id == "tiktok")
                .set(\.$liaisonName, to: "Tim Legal TikTok").set(\.$liaisonEmail, to: "legal@tiktok.test").update()
            let worker = try await testWorker(db, tune: { $0.mailer = mailer }, configure: { $0.orderBatchMinutes = 0 })
            let http = OutboundHTTP(allowInternal: true)
            do {
                try await body(client, accounts, db, worker, http)
            } catch {
                await http.shutdown()
                throw error
            }
            await http.shutdown()
        }
    }

    func decide(_ client: any TestClientProtocol, _ analyst: Staff, video: Int) async throws {
        let (_, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@x/video/\(7_301_234_567_890_200_000 + video)", category: "perjudian")
        let decision = #"{"verdict":"violating","category":"perjudian","legal_bases":["uu-ite-27-2"],"statement":"\#(statement)","public_reason":"Judi daring.","action":"takedown_order"}"#
        let response = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: decision))
        #expect(response.status == .created, "\(response.text)")
    }

    @Test(arguments: Backend.available)
    func withoutAWebhookTheOrderIsMailedToTheLiaisonThroughTheRelay(backend: Backend) async throws {
        let relay = SMTPReceiver()
        try await relay.start()
        let mailer = try #require(SMTPMailer(url: "smtp://127.0.0.1:\(relay.port)", from: "pantau@kominfo.test"))
        try await withLiaisonOnly(backend, mailer: mailer) { client, accounts, db, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            try await decide(client, analyst, video: 1)
            try await deliverAll(worker, client: http, database: db)
            let order = try #require(try await OrderModel.query(on: db.db).first())
            #expect(order.status == "sent" && order.deadlineAt != nil)
            let mails = relay.messages.withLock { $0 }
            #expect(mails.count == 1)
            let mail = try #require(mails.first)
            #expect(mail.from == "<pantau@kominfo.test>" && mail.to == ["<legal@tiktok.test>"])
            #expect(mail.data.contains("Idempotency-Key: \(UUIDText.lower(order.id!))"))
            // The JSON attachment is the webhook body, byte for byte.
            let outbox = try #require(try await OutboxModel.query(on: db.db).first())
            let attachment = try #require(mail.data.components(separatedBy: "filename=\"order.json\"\r\n\r\n").last?
                .components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: ""))
            #expect(Data(base64Encoded: attachment).map { String(decoding: $0, as: UTF8.self) } == outbox.body)
            let summary = try #require(mail.data.components(separatedBy: "Content-Transfer-Encoding: base64\r\n\r\n").dropFirst().first?
                .components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: ""))
            let text = Data(base64Encoded: summary).map { String(decoding: $0, as: UTF8.self) } ?? ""
            #expect(text.contains(order.number) && text.contains("tiktok:video:7301234567890200001") && text.contains("Tim Legal TikTok"))
            #expect(try await DeliveryAttemptModel.query(on: db.db).all().map(\.channel) == ["email"])
        }
        await relay.stop()
    }

    @Test(arguments: Backend.available)
    func withoutARelayTheOrderWaitsForStaffToSendItByHand(backend: Backend) async throws {
        try await withLiaisonOnly(backend, mailer: nil) { client, accounts, db, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            try await decide(client, analyst, video: 2)
            try await worker.runOnce(client: http)
            try await worker.runOnce(client: http)
            let order = try #require(try await OrderModel.query(on: db.db).first())
            #expect(order.status == "dispatching" && order.deadlineAt == nil, "no deadline until it is sent")
            #expect(try await OutboxModel.query(on: db.db).first()?.status == "manual")
            #expect(try await DeliveryAttemptModel.query(on: db.db).count() == 1, "queued once, not retried")

            let id = UUIDText.lower(order.id!)
            let triage = try await Staff.make(accounts, "triage@kominfo.test", .triage)
            #expect(try await client.execute(uri: "/api/v1/orders/\(id)/sent-manually", method: .post, headers: triage.auth,
                                             body: ByteBuffer(string: #"{"note":"e-mail ke legal@tiktok.test"}"#)).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v1/orders/\(id)/sent-manually", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: #"{"note":""}"#)).status == .unprocessableContent)
            let sent = try await client.execute(uri: "/api/v1/orders/\(id)/sent-manually", method: .post, headers: analyst.auth,
                                                body: ByteBuffer(string: #"{"note":"e-mail ke legal@tiktok.test, 1 Des 10.00"}"#))
            #expect(sent.status == .ok, "\(sent.text)")
            #expect(try json(sent)["status"] as? String == "sent" && json(sent)["deadline_at"] != nil)
            #expect(try await client.execute(uri: "/api/v1/orders/\(id)/sent-manually", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: #"{"note":"sekali lagi dikirim"}"#)).status == .conflict)
            let attempts = try await DeliveryAttemptModel.query(on: db.db).sort(\.$attempt).all()
            #expect(attempts.map(\.channel) == ["manual", "manual"] && attempts.last?.worker == "user:analis@kominfo.test")
        }
    }

    @Test(arguments: Backend.available)
    func anOrderThePlatformFetchesIsSentAndItsDeadlineStartsThen(backend: Backend) async throws {
        try await withLiaisonOnly(backend, mailer: nil) { client, accounts, db, worker, http in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            try await decide(client, analyst, video: 3)
            try await worker.runOnce(client: http)
            try await worker.runOnce(client: http)
            let waiting = try #require(try await OrderModel.query(on: db.db).first())
            #expect(waiting.status == "dispatching" && waiting.sentAt == nil)

            // The platform pulls its orders through the API: that read is the delivery.
            let platform = try await platformToken(accounts, .tiktok)
            let list = try await client.execute(uri: "/api/v1/platform/orders", method: .get, headers: platform)
            #expect(list.status == .ok, "\(list.text)")
            let orders = try json(list)["orders"] as? [[String: Any]] ?? []
            #expect(orders.first?["status"] as? String == "sent" && orders.first?["deadline_at"] != nil, "\(list.text)")
            let order = try #require(try await OrderModel.find(waiting.id!, on: db.db))
            #expect(order.sentAt != nil && order.deadlineAt != nil)
            #expect(try await OutboxModel.query(on: db.db).first()?.status == "delivered")
            #expect(try await PlatformEventModel.query(on: db.db).all().map(\.kind).contains(PlatformEventKind.orderFetched.rawValue))
            // A second read changes nothing.
            _ = try await client.execute(uri: "/api/v1/platform/orders", method: .get, headers: platform)
            #expect(try await OrderModel.find(waiting.id!, on: db.db)?.sentAt == order.sentAt)
            #expect(try await client.execute(uri: "/api/v1/orders/\(UUIDText.lower(order.id!))/sent-manually", method: .post, headers: analyst.auth,
                                             body: ByteBuffer(string: #"{"note":"e-mail ke legal@tiktok.test"}"#)).status == .conflict,
                    "nothing is left to send by hand")
        }
    }

    @Test(arguments: Backend.available)
    func aCollectingOrderSaysWhenItGoesAndCanBeSentNow(backend: Backend) async throws {
        try await withAppAndRoutes(backend, configure: { $0.orderBatchMinutes = 120; $0.embeddedWorker = false }) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            try await decide(client, analyst, video: 4)
            let order = try #require(try await OrderModel.query(on: db.db).first())
            #expect(order.status == OrderStatus.queued.rawValue)
            let cookie = try #require(try await signIn(client, email: "analis@kominfo.test", password: "password-analis@kominfo.test").1)
            let page = try await client.execute(uri: "/perintah/\(UUIDText.lower(order.id!))", method: .get, headers: [.cookie: cookie]).text
            #expect(page.contains("id=\"collecting\"") && page.contains(HumanFormat.minute(order.batchClosesAt, english: false)) && page.contains("id=\"send-now\""))
            let csrf = try #require(csrfToken(in: page))
            let sent = try await client.execute(uri: "/perintah/\(UUIDText.lower(order.id!))/kirim-sekarang", method: .post,
                                                headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(sent.status == .seeOther, "\(sent.text)")
            #expect(try await OrderModel.find(order.id!, on: db.db)?.status == OrderStatus.dispatching.rawValue)
            #expect(try await OutboxModel.query(on: db.db).count() == 1, "handed to delivery at once")
            let again = try await client.execute(uri: "/perintah/\(UUIDText.lower(order.id!))/kirim-sekarang", method: .post,
                                                 headers: [.cookie: cookie, .contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "_csrf=\(csrf)"))
            #expect(again.status == .conflict)
        }
    }

    @Test func dotsAtLineStartsAreDoubledAndLinesEndInCRLF() {
        #expect(SMTPMailer.dotStuffed("a\n.b\n..c\r\nd") == "a\r\n..b\r\n...c\r\nd")
        #expect(SMTPMailer(url: "smtp://relay.local", from: "x@y")?.port == 25)
        #expect(SMTPMailer(url: "http://relay.local", from: "x@y") == nil)
    }
}
