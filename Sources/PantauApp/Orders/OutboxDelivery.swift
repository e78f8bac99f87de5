import AsyncHTTPClient
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PantauCore
import SQLKit

/// One outbox message leased by this worker.
struct LeasedMessage: Sendable {
    let id: UUID
    /// The takedown order carried, or nil for a campaign post.
    let orderID: UUID?
    let campaignPostID: UUID?
    let platformID: String
    let idempotencyKey: String
    let body: String
    let attempts: Int
    let createdAt: Date
}

/// The worker's delivery job: leases due outbox messages (on PostgreSQL
/// with `FOR UPDATE SKIP LOCKED`, so several workers never hold the same
/// message at once), sends each takedown order signed to its platform's
/// webhook (or by e-mail to the liaison) and each campaign post through its
/// account's connector, and records every attempt. Failures are retried
/// with backoff and jitter for a bounded time, then dead-lettered with an
/// alert.
struct OutboxDelivery: Sendable {
    let database: PantauDatabase
    /// A delivered order starts its items' deadlines.
    let orders: OrderService
    let clock: any PantauClock
    let logger: Logger
    var name = "worker-\(ProcessInfo.processInfo.processIdentifier)-\(Int.random(in: 1000...9999))"
    var backoff = DeliveryBackoff()
    /// How long a lease lasts: a worker that dies mid-send frees its messages after this.
    var leaseSeconds: Double = 60
    var requestTimeout: TimeAmount = .seconds(10)
    var batchSize = 32
    /// Sends orders by e-mail to platforms without a webhook (nil: such
    /// orders wait for staff to send them by hand).
    var mailer: SMTPMailer?
    /// Publish campaign posts.
    var connectors: CampaignConnectors = .builtIn

    /// Leases and sends what is due. Returns the number of messages attempted.
    @discardableResult
    func runDue(client: OutboundHTTP) async throws -> Int {
        let leased = try await lease()
        guard !leased.isEmpty else { return 0 }
        let platforms = Dictionary(try await PlatformDeliveryModel.query(on: database.db).all().map { ($0.id ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        await withTaskGroup(of: Void.self) { group in
            for message in leased {
                group.addTask {
                    do {
                        if let post = message.campaignPostID {
                            try await publish(message, post: post, client: client)
                        } else {
                            try await deliver(message, platform: platforms[message.platformID], client: client)
                        }
                    } catch {
                        logger.error("recording a delivery failed", metadata: ["outbox": "\(message.id)", "error": "\(String(reflecting: error))"])
                    }
                }
            }
        }
        return leased.count
    }

    /// Leases up to `batchSize` due messages for `leaseSeconds`.
    func lease() async throws -> [LeasedMessage] {
        let now = clock.now()
        // A read first: an idle worker polls without taking the write lock
        // (on SQLite that lock is the intake writer's).
        let due = try await database.sql.raw("""
            SELECT id FROM outbox WHERE status = \(bind: OutboxStatus.pending.rawValue) AND next_attempt_at <= \(bind: now)
            AND (lease_until IS NULL OR lease_until < \(bind: now)) LIMIT 1
            """).first()
        guard due != nil else { return [] }
        let until = now.addingTimeInterval(leaseSeconds)
        let limit = batchSize
        let skipLocked = !database.isSQLite
        let name = name
        return try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            let rows = try await sql.raw("""
                UPDATE outbox SET lease_until = \(bind: until), leased_by = \(bind: name)
                WHERE id IN (SELECT id FROM outbox WHERE status = \(bind: OutboxStatus.pending.rawValue) AND next_attempt_at <= \(bind: now)
                             AND (lease_until IS NULL OR lease_until < \(bind: now))
                             ORDER BY next_attempt_at LIMIT \(unsafeRaw: String(limit))\(unsafeRaw: skipLocked ? " FOR UPDATE SKIP LOCKED" : ""))
                RETURNING id, order_id, campaign_post_id, platform_id, idempotency_key, body, attempts, created_at
                """).all()
            return try rows.map { row in
                LeasedMessage(id: try row.decode(column: "id", as: UUID.self), orderID: try row.decode(column: "order_id", as: UUID?.self),
                              campaignPostID: try row.decode(column: "campaign_post_id", as: UUID?.self),
                              platformID: try row.decode(column: "platform_id", as: String.self),
                              idempotencyKey: try row.decode(column: "idempotency_key", as: String.self),
                              body: try row.decode(column: "body", as: String.self), attempts: try row.decode(column: "attempts", as: Int.self),
                              createdAt: try row.decode(column: "created_at", as: Date.self))
            }
        }
    }

    /// How one attempt ended.
    enum Outcome {
        case delivered
        /// A campaign post is live (its address and id when the connector knows them).
        case published(url: String?, externalID: String?)
        case failed(String)
        /// No webhook and no SMTP relay: the order waits for staff to send it
        /// by e-mail and mark it sent.
        case awaitingManualSend
    }

    /// Sends one message by the platform's channel (webhook, else e-mail to
    /// the liaison) and records the outcome.
    func deliver(_ message: LeasedMessage, platform: PlatformDeliveryModel?, client: OutboundHTTP) async throws {
        let started = clock.now()
        let startNanos = DispatchTime.now().uptimeNanoseconds
        var status: Int?
        let outcome: Outcome
        let channel: String
        let timestamp = Int(started.timeIntervalSince1970)
        if let url = platform?.webhookURL, !url.isEmpty, let secret = platform?.webhookSecret {
            channel = "webhook"
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            let bytes = Array(message.body.utf8)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: WebhookSignature.headerName, value: WebhookSignature.header(body: bytes, secret: secret, timestamp: timestamp))
            request.headers.add(name: "Idempotency-Key", value: message.idempotencyKey)
            request.headers.add(name: "User-Agent", value: "Pantau-Delivery/1")
            request.body = .bytes(ByteBuffer(bytes: bytes))
            do {
                let response = try await client.execute(request, timeout: requestTimeout)
                status = Int(response.status.code)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                outcome = (200..<300).contains(Int(response.status.code)) ? .delivered : .failed("HTTP \(response.status.code)")
            } catch {
                outcome = .failed("\(error)".prefix(300).description)
            }
        } else if let address = platform?.liaisonEmail, !address.isEmpty {
            if let mailer {
                channel = "email"
                do {
                    let mail = try OrderMail.forOrder(body: message.body, from: mailer.from, to: address, liaison: platform?.liaisonName,
                                                      signature: platform?.webhookSecret.map {
                                                          WebhookSignature.header(body: Array(message.body.utf8), secret: $0, timestamp: timestamp)
                                                      },
                                                      idempotencyKey: message.idempotencyKey, date: started)
                    try await mailer.send(to: address, message: mail)
                    outcome = .delivered
                } catch {
                    outcome = .failed("\(error)".prefix(300).description)
                }
            } else {
                channel = "manual"
                outcome = .awaitingManualSend
            }
        } else {
            channel = "none"
            outcome = .failed("no webhook and no liaison e-mail configured for \(message.platformID)")
        }
        let duration = Int((DispatchTime.now().uptimeNanoseconds - startNanos) / 1_000_000)
        try await record(message, started: started, duration: duration, status: status, outcome: outcome, channel: channel)
    }

    /// Publishes one campaign post through its account's connector and
    /// records the outcome (an account without a connector waits for comms
    /// staff, like an order without a webhook).
    func publish(_ message: LeasedMessage, post postID: UUID, client: OutboundHTTP) async throws {
        let started = clock.now()
        let startNanos = DispatchTime.now().uptimeNanoseconds
        let outcome: Outcome
        var channel = "connector"
        if let post = try await CampaignPostModel.find(postID, on: database.db),
           let account = try await OfficialAccountModel.find(post.accountID, on: database.db),
           let settings = try await AccountConnectorModel.find(post.accountID, on: database.db),
           let decoded = try? JSONDecoder().decode(CampaignPostMessage.self, from: Data(message.body.utf8)) {
            let name = post.connector ?? settings.connector ?? CampaignConnectors.defaultName
            channel = "connector:" + name
            if let connector = connectors.connector(named: name) {
                let target = ConnectorAccount(platform: account.platform, handle: account.handle,
                                              webhookURL: settings.publishWebhookURL, webhookSecret: settings.publishWebhookSecret)
                switch await connector.publish(decoded, body: message.body, idempotencyKey: message.idempotencyKey, account: target,
                                               client: client, timeout: requestTimeout) {
                case .published(let url, let id): outcome = .published(url: url, externalID: id)
                case .failed(let reason): outcome = .failed(reason)
                case .unavailable: outcome = .awaitingManualSend
                }
            } else {
                outcome = .failed("no connector named '\(name)' in this server")
            }
        } else {
            outcome = .failed("campaign post \(UUIDText.lower(postID)) or its account is missing")
        }
        let duration = Int((DispatchTime.now().uptimeNanoseconds - startNanos) / 1_000_000)
        try await record(message, started: started, duration: duration, status: nil, outcome: outcome, channel: channel)
    }

    private func record(_ message: LeasedMessage, started: Date, duration: Int, status: Int?, outcome: Outcome, channel: String) async throws {
        let failure: String? = switch outcome {
        case .delivered, .published: nil
        case .failed(let reason): reason
        case .awaitingManualSend: "awaiting manual e-mail delivery"
        }
        let now = clock.now()
        var random = SystemRandomNumberGenerator()
        let attempt = message.attempts + 1
        let next = now.addingTimeInterval(backoff.delay(afterAttempt: attempt, using: &random))
        let giveUp = failure != nil && backoff.shouldGiveUp(firstAttemptAt: message.createdAt, nextAttemptAt: next)
        let name = name
        try await database.writeTransaction { db in
            let row = DeliveryAttemptModel()
            row.id = OrderedID.make(at: now)
            row.outboxID = message.id
            row.attempt = attempt
            row.worker = name
            row.startedAt = started
            row.durationMillis = duration
            row.httpStatus = status
            row.error = failure
            row.channel = channel
            try await row.create(on: db)
            guard let outbox = try await OutboxModel.find(message.id, on: db), outbox.status == OutboxStatus.pending.rawValue else { return }
            outbox.attempts = attempt
            outbox.leaseUntil = nil
            outbox.leasedBy = nil
            outbox.lastError = failure
            if case .awaitingManualSend = outcome {
                outbox.status = OutboxStatus.manual.rawValue
                if let post = message.campaignPostID {
                    try await CampaignService.recordUnpublished(post: post, status: .manual, reason: "no publishing connector configured for this account",
                                                                at: now, on: db)
                } else {
                    try await OrderService.recordEvent(.orderAwaitingManualSend, platform: message.platformID, order: message.orderID,
                                                       actor: "system:delivery", payload: ["reason": "no webhook and no SMTP relay configured"],
                                                       at: now, on: db)
                }
            } else if failure == nil {
                outbox.status = OutboxStatus.delivered.rawValue
                outbox.deliveredAt = now
                if let post = message.campaignPostID {
                    var url: String?, externalID: String?
                    if case .published(let u, let id) = outcome { (url, externalID) = (u, id) }
                    try await CampaignService.recordPublished(post: post, url: url, externalID: externalID, at: now, on: db)
                } else if let orderID = message.orderID, let order = try await OrderModel.find(orderID, on: db), order.sentAt == nil {
                    try await orders.markDelivered(order, at: now, on: db)
                }
            } else if giveUp {
                outbox.status = OutboxStatus.dead.rawValue
                if let post = message.campaignPostID {
                    try await CampaignService.recordUnpublished(post: post, status: .failed, reason: failure ?? "", at: now, on: db)
                } else {
                    try await AccountService.audit("order_delivery_dead_lettered", actor: "system:delivery",
                                                   target: "order:" + (message.orderID.map(UUIDText.lower) ?? ""),
                                                   payload: ["attempts": String(attempt), "last_error": failure ?? "", "platform": message.platformID],
                                                   at: now, on: db)
                }
            } else {
                if let post = message.campaignPostID {
                    try await CampaignPostModel.query(on: db).filter(\.$id == post).filter(\.$publishedAt == nil)
                        .set(\.$lastError, to: failure).set(\.$updatedAt, to: now).update()
                }
                outbox.nextAttemptAt = next
            }
            try await outbox.save(on: db)
        }
    }
}
