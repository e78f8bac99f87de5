import Foundation
import Hummingbird
import PantauCore

/// A post as a connector sends it, push or feed:
/// `{id, author, text, urls, created_at, views?, likes?, media:[{url, sha256?}]}`.
struct PostBody: Decodable, Sendable {
    struct Media: Decodable, Sendable {
        let url: String
        let sha256: String?
    }
    let id: String
    let author: String?
    let text: String
    let urls: [String]?
    let createdAt: String?
    let views: Int64?
    let likes: Int64?
    let media: [Media]?
    enum CodingKeys: String, CodingKey { case id, author, text, urls, createdAt = "created_at", views, likes, media }

    /// A field that is wrong, and why.
    struct Problem: Error {
        let field: String
        let message: String
        init(_ field: String, _ message: String) {
            self.field = field
            self.message = message
        }
    }

    /// The post checked, or the field that is wrong and why.
    func checked(on platform: Platform) -> Result<IncomingPost, Problem> {
        guard (1...128).contains(id.count), id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            return .failure(Problem("id", "1–128 visible ASCII characters"))
        }
        let subject: Subject
        switch MonitoredPost.subject(platform: platform, postID: id) {
        case .success(let s): subject = s
        case .failure(let problem): return .failure(Problem("id", problem.message))
        }
        guard text.unicodeScalars.count <= 10_000,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) else {
            return .failure(Problem("text", "at most 10,000 characters, without control characters"))
        }
        var handle: String?
        if let author {
            let trimmed = author.trimmingCharacters(in: CharacterSet(charactersIn: "@ "))
            guard (1...100).contains(trimmed.unicodeScalars.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                return .failure(Problem("author", "1–100 characters, without control characters"))
            }
            handle = trimmed
        }
        let links = urls ?? []
        guard links.count <= 20, links.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.count <= 2048 && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) else {
            return .failure(Problem("urls", "at most 20 URLs of 1–2,048 characters"))
        }
        var postedAt: Date?
        if let createdAt {
            guard let date = parseTimestamp(createdAt) else { return .failure(Problem("created_at", "expected an RFC 3339 time such as 2026-11-24T08:00:00Z")) }
            postedAt = date
        }
        if let views, views < 0 { return .failure(Problem("views", "a count, 0 or more")) }
        if let likes, likes < 0 { return .failure(Problem("likes", "a count, 0 or more")) }
        let items = media ?? []
        guard items.count <= 20 else { return .failure(Problem("media", "at most 20 items")) }
        for (i, item) in items.enumerated() {
            guard !item.url.isEmpty, item.url.unicodeScalars.count <= 2048, !item.url.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                return .failure(Problem("media[\(i)].url", "1–2,048 characters"))
            }
            if let hash = item.sha256, !(hash.count == 64 && hash.allSatisfy { $0.isHexDigit && !$0.isUppercase }) {
                return .failure(Problem("media[\(i)].sha256", "a SHA-256 as 64 lower-case hex digits"))
            }
        }
        return .success(IncomingPost(id: id, subject: subject, author: handle, text: text, urls: links, postedAt: postedAt, views: views, likes: likes,
                                     media: items.map { IncomingPost.Media(url: $0.url, sha256: $0.sha256) }))
    }
}

/// `POST /api/v1/platforms/{platform}/posts`: public posts a platform's
/// connector sends for monitoring, in batches. Idempotent on (platform,
/// post id): a post sent again is reported as known and changes nothing.
/// The same token model as mentions: an admin, or the platform's own token.
struct PostsAPIController: Sendable {
    let posts: PostIngestService
    static let maxPostsPerBatch = 1000
    /// 1,000 posts of 10,000 characters, with room for their URLs.
    static let maxBodyBytes = 24 * 1024 * 1024

    struct Batch: Decodable { let posts: [PostBody] }

    func register(on routes: Routes) {
        routes.post(SitePath.API.posts, .staff(.submitPosts)) { request, context in try await receive(request, context) }
    }

    func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let platform = try connectorPlatform(context)
        guard MonitoredPost.subjectKind(on: platform) != nil else {
            throw APIError(.unprocessableContent, code: "platform_not_monitored", message: MonitoredPost.PostIDProblem.platformNotMonitored.message, field: "platform")
        }
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > Self.maxBodyBytes {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "A batch of posts is at most \(Self.maxBodyBytes / 1024 / 1024) MiB.")
        }
        let body = try await collectJSONBody(request, limit: Self.maxBodyBytes)
        let batch = try decodeJSON(Batch.self, from: Array(buffer: body))
        guard batch.posts.count <= Self.maxPostsPerBatch else {
            throw APIError(.unprocessableContent, code: "too_many", message: "At most \(Self.maxPostsPerBatch) posts per request.", field: "posts")
        }
        // Every post is checked before any is kept: a bad one refuses the batch.
        var checked: [IncomingPost] = []
        var seen = Set<String>()
        var repeated: [String] = []
        for (i, post) in batch.posts.enumerated() {
            switch post.checked(on: platform) {
            case .failure(let problem):
                throw APIError(.unprocessableContent, code: "invalid_post", message: "posts[\(i)].\(problem.field): \(problem.message)",
                               field: "posts[\(i)].\(problem.field)")
            case .success(let incoming):
                if seen.insert(incoming.id).inserted { checked.append(incoming) } else { repeated.append(incoming.id) }
            }
        }
        let result = try await posts.ingest(checked, platform: platform, sourceID: nil)
        return jsonResponse(Self.json(result, repeated: repeated), status: .ok)
    }

    static func json(_ result: PostIngestService.Result, repeated: [String]) -> JSONObjectText {
        var o = JSONObjectText()
        o.add("accepted", result.accepted)
        o.add("findings", objects: result.found.map { found in
            var f = JSONObjectText()
            if case .reported(_, let caseID) = found.outcome { f.add("case", UUIDText.lower(caseID)) }
            if case .reappeared(let caseID) = found.outcome { f.add("case", UUIDText.lower(caseID)) }
            f.add("outcome", found.outcome.name)
            f.add("post_id", found.postID)
            f.add("score", number: found.score)
            if case .reported(let ticket, _) = found.outcome { f.add("ticket", ticket) }
            f.add("watchlist", found.watchlistID)
            return f
        })
        o.add("known", list: result.known + repeated)
        return o
    }
}
