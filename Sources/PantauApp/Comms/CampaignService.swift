import AsyncHTTPClient
import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import SQLKit

/// What a publishing connector receives: one post of a campaign, for one
/// official account. Also the built-in webhook's JSON body.
struct CampaignPostMessage: Codable, Sendable, Equatable {
    let postID: String
    let campaignID: String
    let title: String
    let message: String
    let mediaURLs: [String]
    let platform: String
    let accountHandle: String
    let accountURL: String
    let scheduledAt: String

    enum CodingKeys: String, CodingKey {
        case postID = "post_id", campaignID = "campaign_id", title, message, mediaURLs = "media_urls", platform,
             accountHandle = "account_handle", accountURL = "account_url", scheduledAt = "scheduled_at"
    }

    func encoded() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// The account a connector publishes to, with its connector settings.
struct ConnectorAccount: Sendable {
    let platform: String
    let handle: String
    let webhookURL: String?
    let webhookSecret: String?
}

/// How one publishing attempt ended.
enum ConnectorOutcome: Sendable, Equatable {
    /// Live on the platform; the post's address and id when the connector knows them.
    case published(url: String?, externalID: String?)
    /// Try again later.
    case failed(String)
    /// This account cannot be published to automatically (nothing configured):
    /// comms staff post by hand and record the link.
    case unavailable(String)
}

/// A way of publishing to a platform. A real platform integration is one
/// more type conforming to this, registered in `CampaignConnectors`: the
/// campaign rules, the outbox and the retries stay as they are.
protocol CampaignConnector: Sendable {
    /// The name accounts refer to (`official_accounts.connector`).
    var name: String { get }
    /// Publishes once. `body` is the message as JSON (the outbox's copy),
    /// `idempotencyKey` the same on every retry of this post.
    func publish(_ message: CampaignPostMessage, body: String, idempotencyKey: String, account: ConnectorAccount,
                 client: OutboundHTTP, timeout: TimeAmount) async -> ConnectorOutcome
}

/// The built-in connector: POSTs the post to the account's configured
/// webhook (a social-media desk, a bridge to the platform's API), signed
/// exactly like takedown orders (`Pantau-Signature`, `Idempotency-Key`).
/// A 2xx answer may carry `{"url": "...", "id": "..."}` of the live post.
struct WebhookCampaignConnector: CampaignConnector {
    let name = "webhook"

    func publish(_ message: CampaignPostMessage, body: String, idempotencyKey: String, account: ConnectorAccount,
                 client: OutboundHTTP, timeout: TimeAmount) async -> ConnectorOutcome {
        guard let url = account.webhookURL, !url.isEmpty, let secret = account.webhookSecret, !secret.isEmpty else {
            return .unavailable("no publishing webhook configured for \(account.platform) @\(account.handle)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        let bytes = Array(body.utf8)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: WebhookSignature.headerName,
                            value: WebhookSignature.header(body: bytes, secret: secret, timestamp: Int(Date().timeIntervalSince1970)))
        request.headers.add(name: "Idempotency-Key", value: idempotencyKey)
        request.headers.add(name: "User-Agent", value: "Pantau-Campaign/1")
        request.body = .bytes(ByteBuffer(bytes: bytes))
        do {
            let response = try await client.execute(request, timeout: timeout)
            let answer = try? await response.body.collect(upTo: 64 * 1024)
            guard (200..<300).contains(Int(response.status.code)) else { return .failed("HTTP \(response.status.code)") }
            struct Published: Decodable { let url: String?; let id: String? }
            let published = answer.flatMap { try? JSONDecoder().decode(Published.self, from: Data(buffer: $0)) }
            let link = published?.url.flatMap { URLComponents(string: $0)?.scheme?.hasPrefix("http") == true ? $0 : nil }
            return .published(url: link.map { String($0.prefix(2_048)) }, externalID: published?.id.map { String($0.prefix(200)) })
        } catch {
            return .failed("\(error)".prefix(300).description)
        }
    }
}

/// The connectors this server knows, by name.
struct CampaignConnectors: Sendable {
    private let byName: [String: any CampaignConnector]
    static let defaultName = "webhook"

    init(_ connectors: [any CampaignConnector]) {
        byName = Dictionary(connectors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static let builtIn = CampaignConnectors([WebhookCampaignConnector()])

    func connector(named name: String?) -> (any CampaignConnector)? { byName[name ?? Self.defaultName] }
    var names: [String] { byName.keys.sorted() }
}

/// A refusal of the comms services (campaigns, the mentions inbox), in both
/// languages: a JSON error for the API, a readable page for people.
struct CommsProblem: Error, Sendable {
    let status: Int
    let code: String
    let field: String?
    let id: String
    let en: String
}

/// Runs `body`, answering a `CommsProblem` as the API's JSON error.
func answeringAPI<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let problem as CommsProblem {
        throw APIError(HTTPResponse.Status(code: problem.status), code: problem.code, message: problem.en, field: problem.field)
    }
}

/// Runs `body`, answering a `CommsProblem` as an error page in `language`.
func answeringPage<T>(_ language: Language, _ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let problem as CommsProblem {
        throw WebErrorPage(status: HTTPResponse.Status(code: problem.status), language: language, detail: language.t(problem.id, problem.en))
    }
}

/// Campaigns: scheduled with one message for every active official account,
/// released at their time into the outbox (one message per account, in one
/// transaction), published by the delivery worker through each account's
/// connector, and measured against the fair principle.
struct CampaignService: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    var connectors = CampaignConnectors.builtIn

    typealias Problem = CommsProblem

    /// A post beside its account, with how it measures up.
    struct PostView: Sendable {
        let post: CampaignPostRow
        let account: OfficialAccountRow?
        let flag: CampaignFlag
    }

    struct Detail: Sendable {
        let campaign: CampaignRow
        let posts: [PostView]
        /// Active accounts without a post in a released campaign (left out).
        let leftOut: [OfficialAccountRow]
        var flags: [CampaignFlag] { posts.map(\.flag) + leftOut.map { _ in .leftOut } }
        var isFair: Bool { CampaignFairness.isFair(flags) }
    }

    func activeAccounts(on db: any Database) async throws -> [OfficialAccountModel] {
        try await OfficialAccountModel.query(on: db).filter(\.$active == true).sort(\.$platform).sort(\.$handle).all()
    }

    /// Everything wrong with `input` against today's active accounts (one message fits the strictest).
    func problems(of input: CampaignInput) async throws -> [CampaignInput.Problem] {
        let platforms = Set(try await activeAccounts(on: database.db).compactMap { Platform(rawValue: $0.platform) })
        return input.problems(now: clock.now(), platforms: platforms)
    }

    /// Schedules a campaign: one post per active official account, no opting out.
    func create(_ input: CampaignInput, actor: String) async throws -> CampaignModel {
        let now = clock.now()
        let accounts = try await activeAccounts(on: database.db)
        guard !accounts.isEmpty else {
            throw Problem(status: 409, code: "no_active_accounts", field: nil, id: "Belum ada akun resmi yang aktif.", en: "There is no active official account.")
        }
        let platforms = Set(accounts.compactMap { Platform(rawValue: $0.platform) })
        if let problem = input.problem(now: now, platforms: platforms) {
            throw Problem(status: 422, code: "invalid_campaign", field: problem.field, id: problem.id, en: problem.en)
        }
        return try await database.writeTransaction { db in
            let campaign = CampaignModel()
            campaign.id = OrderedID.make(at: now)
            campaign.title = input.title
            campaign.message = input.message
            campaign.mediaURLsText = input.mediaURLs.joined(separator: "\n")
            campaign.scheduledAt = max(input.scheduledAt, now)
            campaign.lateAfterMinutes = input.lateAfterMinutes
            campaign.status = CampaignStatus.scheduled.rawValue
            campaign.createdBy = actor
            campaign.createdAt = now
            try await campaign.create(on: db)
            for account in accounts { try await Self.newPost(campaign: campaign, account: account, at: now).create(on: db) }
            try await AccountService.audit("campaign_scheduled", actor: actor, target: "campaign:" + UUIDText.lower(campaign.id!),
                                           payload: ["title": campaign.title, "scheduled_at": isoTimestamp(campaign.scheduledAt),
                                                     "accounts": String(accounts.count)], at: now, on: db)
            return campaign
        }
    }

    private static func newPost(campaign: CampaignModel, account: OfficialAccountModel, at now: Date) -> CampaignPostModel {
        let post = CampaignPostModel()
        post.id = OrderedID.make(at: now)
        post.campaignID = campaign.id!
        post.accountID = account.id!
        post.platform = account.platform
        post.status = CampaignPostStatus.scheduled.rawValue
        post.updatedAt = now
        return post
    }

    /// Cancels a campaign that has not been released yet.
    func cancel(_ id: UUID, actor: String) async throws -> CampaignModel {
        let now = clock.now()
        return try await database.writeTransaction { db in
            guard try await CampaignModel.find(id, on: db) != nil else {
                throw Problem(status: 404, code: "not_found", field: nil, id: "Kampanye tidak ditemukan.", en: "No such campaign.")
            }
            guard try await Self.claim(id, to: .cancelled, at: now, on: db), let campaign = try await CampaignModel.find(id, on: db) else {
                throw Problem(status: 409, code: "not_cancellable", field: nil, id: "Kampanye ini sudah dirilis atau dibatalkan.",
                              en: "This campaign has been released or cancelled already.")
            }
            try await CampaignPostModel.query(on: db).filter(\.$campaignID == id)
                .set(\.$status, to: CampaignPostStatus.cancelled.rawValue).set(\.$updatedAt, to: now).update()
            try await AccountService.audit("campaign_cancelled", actor: actor, target: "campaign:" + UUIDText.lower(id), at: now, on: db)
            return campaign
        }
    }

    /// Releases every campaign whose time has come: each active account gets
    /// its post (accounts activated since scheduling too; deactivated ones
    /// are skipped), and every post its outbox message — all in one
    /// transaction per campaign. Read-only unless something is due (the
    /// worker polls it). Returns how many campaigns were released.
    @discardableResult
    func releaseDue() async throws -> Int {
        let now = clock.now()
        let due = try await CampaignModel.query(on: database.db).filter(\.$status == CampaignStatus.scheduled.rawValue).filter(\.$scheduledAt <= now)
            .sort(\.$scheduledAt).limit(20).all()
        var released = 0
        for candidate in due {
            let done = try await database.writeTransaction { db in
                // Claimed by a conditional update: of several workers (or a
                // worker and a cancellation), one wins, the others see 0 rows.
                guard try await Self.claim(candidate.id!, to: .released, at: now, on: db),
                      let campaign = try await CampaignModel.find(candidate.id!, on: db) else { return false }
                try await release(campaign, at: now, on: db)
                return true
            }
            if done { released += 1 }
        }
        return released
    }

    /// Moves a scheduled campaign to `status` if it is still scheduled.
    private static func claim(_ id: UUID, to status: CampaignStatus, at now: Date, on db: any Database) async throws -> Bool {
        let column = status == .released ? "released_at" : "cancelled_at"
        let rows = try await (db as! any SQLDatabase).raw("""
            UPDATE campaigns SET status = \(bind: status.rawValue), \(unsafeRaw: column) = \(bind: now)
            WHERE id = \(bind: id) AND status = \(bind: CampaignStatus.scheduled.rawValue) RETURNING id
            """).all()
        return !rows.isEmpty
    }

    private func release(_ campaign: CampaignModel, at now: Date, on db: any Database) async throws {
        let active = try await activeAccounts(on: db)
        let activeIDs = Set(active.compactMap(\.id))
        var posts = try await CampaignPostModel.query(on: db).filter(\.$campaignID == campaign.id!).all()
        let covered = Set(posts.map(\.accountID))
        for account in active where !covered.contains(account.id!) {
            let post = Self.newPost(campaign: campaign, account: account, at: now)
            try await post.create(on: db)
            posts.append(post)
        }
        let accounts = Dictionary(active.map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        let connectorNames = Dictionary(try await AccountConnectorModel.query(on: db).all().map { ($0.id!, $0.connector) }, uniquingKeysWith: { a, _ in a })
        var queued = 0
        for post in posts where post.postStatus == .scheduled {
            guard activeIDs.contains(post.accountID), let account = accounts[post.accountID] else {
                post.status = CampaignPostStatus.skipped.rawValue
                post.lastError = "account deactivated before the campaign's time"
                post.updatedAt = now
                try await post.save(on: db)
                continue
            }
            let message = CampaignPostMessage(postID: UUIDText.lower(post.id!), campaignID: UUIDText.lower(campaign.id!), title: campaign.title,
                                              message: campaign.message, mediaURLs: campaign.mediaURLs, platform: account.platform,
                                              accountHandle: account.handle, accountURL: account.url, scheduledAt: isoTimestamp(campaign.scheduledAt))
            let outbox = OutboxModel()
            outbox.id = OrderedID.make(at: now)
            outbox.orderID = nil
            outbox.campaignPostID = post.id
            outbox.platformID = account.platform
            outbox.idempotencyKey = "campaign-post-" + UUIDText.lower(post.id!)
            outbox.body = try message.encoded()
            outbox.status = OutboxStatus.pending.rawValue
            outbox.attempts = 0
            outbox.createdAt = now
            outbox.nextAttemptAt = now
            try await outbox.create(on: db)
            post.status = CampaignPostStatus.queued.rawValue
            post.connector = (connectorNames[account.id!] ?? nil) ?? CampaignConnectors.defaultName
            post.updatedAt = now
            try await post.save(on: db)
            queued += 1
        }
        try await AccountService.audit("campaign_released", actor: "system:campaigns", target: "campaign:" + UUIDText.lower(campaign.id!),
                                       payload: ["posts": String(queued)], at: now, on: db)
    }

    // MARK: Outcomes, from the delivery worker (inside its transaction)

    static func recordPublished(post id: UUID, url: String?, externalID: String?, at now: Date, on db: any Database) async throws {
        guard let post = try await CampaignPostModel.find(id, on: db), post.publishedAt == nil else { return }
        post.status = CampaignPostStatus.published.rawValue
        post.publishedAt = now
        post.postURL = url
        post.externalID = externalID
        post.lastError = nil
        post.recordedBy = "system:connector:" + (post.connector ?? CampaignConnectors.defaultName)
        post.updatedAt = now
        try await post.save(on: db)
    }

    static func recordUnpublished(post id: UUID, status: CampaignPostStatus, reason: String, at now: Date, on db: any Database) async throws {
        guard let post = try await CampaignPostModel.find(id, on: db), post.publishedAt == nil else { return }
        post.status = status.rawValue
        post.lastError = reason
        post.updatedAt = now
        try await post.save(on: db)
        if status == .failed {
            try await AccountService.audit("campaign_post_failed", actor: "system:delivery", target: "campaign:" + UUIDText.lower(post.campaignID),
                                           payload: ["platform": post.platform, "post": UUIDText.lower(id), "last_error": reason], at: now, on: db)
        }
    }

    /// Comms staff published the post by hand (no connector, or it gave up)
    /// and record where and when.
    func recordManualPublication(campaign campaignID: UUID, post postID: UUID, url: String, publishedAt: Date?, actor: String) async throws -> CampaignPostModel {
        let now = clock.now()
        let link = url.trimmingCharacters(in: .whitespaces)
        guard CampaignInput.isWebAddress(link) else {
            throw Problem(status: 422, code: "invalid_url", field: "url", id: "Tautan unggahan harus alamat http(s), mis. https://x.com/akun/status/123.",
                          en: "'url' must be an http(s) address, e.g. https://x.com/account/status/123.")
        }
        let when = publishedAt ?? now
        guard when <= now.addingTimeInterval(5 * 60) else {
            throw Problem(status: 422, code: "invalid_published_at", field: "published_at", id: "Waktu tayang tidak boleh di masa depan.", en: "'published_at' is in the future.")
        }
        return try await database.writeTransaction { db in
            guard let post = try await CampaignPostModel.find(postID, on: db), post.campaignID == campaignID else {
                throw Problem(status: 404, code: "not_found", field: nil, id: "Unggahan kampanye tidak ditemukan.", en: "No such campaign post.")
            }
            guard [.manual, .failed, .queued].contains(post.postStatus) else {
                throw Problem(status: 409, code: "not_recordable", field: nil,
                              id: "Unggahan ini \(post.status); hanya yang menunggu atau gagal yang dicatat manual.",
                              en: "This post is \(post.status); only waiting or failed posts are recorded by hand.")
            }
            post.status = CampaignPostStatus.published.rawValue
            post.publishedAt = when
            post.postURL = link
            post.recordedBy = actor
            post.lastError = nil
            post.updatedAt = now
            try await post.save(on: db)
            // The connector no longer needs to try.
            try await OutboxModel.query(on: db).filter(\.$campaignPostID == postID).filter(\.$status == OutboxStatus.pending.rawValue)
                .set(\.$status, to: OutboxStatus.delivered.rawValue).set(\.$deliveredAt, to: now).update()
            try await AccountService.audit("campaign_post_recorded", actor: actor, target: "campaign:" + UUIDText.lower(campaignID),
                                           payload: ["platform": post.platform, "post": UUIDText.lower(postID), "url": link,
                                                     "published_at": isoTimestamp(when)], at: now, on: db)
            return post
        }
    }

    // MARK: Reading

    func campaigns(includeUnreleased: Bool, limit: Int = 100) async throws -> [CampaignModel] {
        var query = CampaignModel.query(on: database.db).sort(\.$scheduledAt, .descending).limit(limit)
        if !includeUnreleased { query = query.filter(\.$status == CampaignStatus.released.rawValue) }
        return try await query.all()
    }

    func detail(_ id: UUID) async throws -> Detail? {
        guard let campaign = try await CampaignModel.find(id, on: database.db) else { return nil }
        return try await detail(of: campaign)
    }

    func detail(of campaign: CampaignModel) async throws -> Detail {
        try await details(of: [campaign])[0]
    }

    /// The campaigns with their posts: the accounts and the posts read once
    /// for all of them (the list page shows up to a hundred).
    func details(of campaigns: [CampaignModel]) async throws -> [Detail] {
        guard !campaigns.isEmpty else { return [] }
        let now = clock.now()
        let allPosts = try await CampaignPostModel.query(on: database.db).filter(\.$campaignID ~~ campaigns.map { $0.id! }).all()
        let postsByCampaign = Dictionary(grouping: allPosts, by: \.campaignID)
        let accounts = Dictionary(try await OfficialAccountModel.query(on: database.db).all().map { ($0.id!, $0) }, uniquingKeysWith: { a, _ in a })
        return campaigns.map { campaign in
            let posts = postsByCampaign[campaign.id!] ?? []
            let views = posts.map { post in
                PostView(post: CampaignPostRow(post), account: accounts[post.accountID].map(OfficialAccountRow.init),
                         flag: CampaignFairness.flag(status: post.postStatus, publishedAt: post.publishedAt, scheduledAt: campaign.scheduledAt,
                                                     lateAfterMinutes: campaign.lateAfterMinutes, now: now))
            }.sorted { ($0.post.platform, $0.account?.handle ?? "") < ($1.post.platform, $1.account?.handle ?? "") }
            var leftOut: [OfficialAccountRow] = []
            if campaign.campaignStatus == .released {
                let covered = Set(posts.map(\.accountID))
                // Active accounts registered before the release that got no post.
                leftOut = accounts.values.filter { $0.active && !covered.contains($0.id!) && $0.createdAt <= (campaign.releasedAt ?? now) }
                    .sorted { ($0.platform, $0.handle) < ($1.platform, $1.handle) }.map(OfficialAccountRow.init)
            }
            return Detail(campaign: CampaignRow(campaign), posts: views, leftOut: leftOut)
        }
    }
}
