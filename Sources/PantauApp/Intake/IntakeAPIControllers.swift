import FluentKit
import Foundation
import Hummingbird
import NIOCore
import PantauCore
import SQLKit

/// `POST /api/v1/evidence`: an image or PDF as the raw body; answers its
/// sha256, to be named in a report's `evidence` list. The body streams to
/// disk (never held whole); its declared size and the upload limits are
/// checked before a byte is read, and the file must decode as its type.
struct EvidenceAPIController: Sendable {
    let store: EvidenceStore
    let ledger: EvidenceLedger
    let uploads: UploadGuard

    func register(on routes: Routes) {
        routes.post(SitePath.API.evidence, .everyone) { request, context in try await receive(request, context) }
    }

    func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let tooLarge = APIError(.contentTooLarge, code: "body_too_large", message: "Evidence files may be at most \(store.maxBytes / 1024 / 1024) MiB.")
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > store.maxBytes { throw tooLarge }
        do {
            return try await uploads.admitted(address: context.remoteAddress?.ipAddress ?? "unknown") {
                let writer = try IncomingEvidence(store: store)
                let received: ReceivedEvidence
                do {
                    for try await chunk in request.body {
                        try writer.write(chunk.readableBytesView)
                        // Past the limit the rest is not worth reading.
                        if writer.size > store.maxBytes { throw tooLarge }
                    }
                    received = try writer.finish()
                } catch {
                    writer.discard()
                    throw error
                }
                defer { received.discard() }
                if let rejection = store.check(received) {
                    throw APIError(.unprocessableContent, code: rejection.code, message: rejection.message, field: "body")
                }
                let stored = try store.keep(received)
                try await ledger.recordUploads([stored])
                struct Answer: Encodable { let sha256: String; let media_type: String; let size: Int64 }
                return (try jsonResponse(Answer(sha256: stored.sha256, media_type: stored.mediaType, size: stored.size), status: .created), 1)
            }
        } catch let refusal as UploadGuard.Refusal {
            switch refusal {
            case .busy:
                throw APIError(.serviceUnavailable, code: "uploads_busy", message: "Many uploads are in progress; try again in a few seconds.",
                               retryAfter: UploadGuard.busyRetryAfter)
            case .tooMany(let seconds):
                throw APIError(.tooManyRequests, code: "upload_limit", message: "This address has sent its evidence files for the hour.",
                               retryAfter: seconds)
            }
        }
    }
}

/// The platform a connector's request names in its path: known, not the
/// web, and the one its token speaks for (a platform's token speaks for
/// that platform only).
func connectorPlatform(_ context: AppRequestContext) throws -> Platform {
    let name = context.parameters.get("platform") ?? ""
    guard let platform = Platform(rawValue: name), platform != .web else {
        throw APIError(.notFound, code: "unknown_platform", message: "Unknown platform '\(name.prefix(40))'.", field: "platform")
    }
    if let identity = context.identity, !PermissionTable.mayActFor(platform, role: identity.role, boundTo: identity.platform) {
        throw APIError(.forbidden, code: "access_denied",
                       message: "This token is for \(identity.platform?.rawValue ?? "no platform"), not \(platform.rawValue).", field: "platform")
    }
    return platform
}

struct MentionBatchRequest: Decodable {
    struct Mention: Decodable {
        let id: String
        let author: String?
        let text: String
        let createdAt: String?
        let urls: [String]?
        let inReplyTo: String?
        enum CodingKeys: String, CodingKey { case id, author, text, createdAt = "created_at", urls, inReplyTo = "in_reply_to" }
    }
    let mentions: [Mention]
}

/// `POST /api/v1/platforms/{platform}/mentions`: mentions of the official
/// account, sent by the platform's connector.
struct MentionsAPIController: Sendable {
    let intake: IntakeService
    let maxBodyBytes: Int
    static let maxMentionsPerBatch = 1000

    func register(on routes: Routes) {
        routes.post(SitePath.API.mentions, .staff(.submitMentions)) { request, context in try await receive(request, context) }
    }

    func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let platform = try connectorPlatform(context)
        let body = try await collectJSONBody(request, limit: maxBodyBytes)
        let batch = try decodeJSON(MentionBatchRequest.self, from: Array(buffer: body))
        guard batch.mentions.count <= Self.maxMentionsPerBatch else {
            throw APIError(.unprocessableContent, code: "too_many", message: "At most \(Self.maxMentionsPerBatch) mentions per request.", field: "mentions")
        }
        var mentions: [IntakeService.Mention] = []
        var seen: Set<String> = []
        var repeated: [String] = []
        for (i, m) in batch.mentions.enumerated() {
            let id = m.id
            func bad(_ field: String, _ message: String) -> APIError {
                APIError(.unprocessableContent, code: "invalid_mention", message: "mentions[\(i)].\(field): \(message)", field: "mentions[\(i)].\(field)")
            }
            guard (1...128).contains(id.count), id.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
                throw bad("id", "1–128 visible ASCII characters")
            }
            // The same mention twice in one batch is one mention, as it is across batches.
            guard seen.insert(id).inserted else {
                repeated.append(id)
                continue
            }
            guard m.text.unicodeScalars.count <= 10_000, !m.text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !"\n\r\t".unicodeScalars.contains($0) }) else {
                throw bad("text", "at most 10,000 characters, without control characters")
            }
            if let author = m.author {
                guard (1...100).contains(author.unicodeScalars.count), !author.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                    throw bad("author", "1–100 characters, without control characters")
                }
            }
            let urls = m.urls ?? []
            guard urls.count <= 20, urls.allSatisfy({ $0.unicodeScalars.count <= SubjectCanonicalizer.maximumInputLength }) else { throw bad("urls", "at most 20 URLs of 2,048 characters") }
            var createdAt: Date?
            if let text = m.createdAt {
                guard let date = parseTimestamp(text) else { throw bad("created_at", "expected an RFC 3339 time such as 2026-11-24T08:00:00Z") }
                createdAt = date
            }
            if let reply = m.inReplyTo { guard reply.count <= SubjectCanonicalizer.maximumInputLength else { throw bad("in_reply_to", "too long") } }
            mentions.append(.init(id: id, author: m.author?.trimmingCharacters(in: CharacterSet(charactersIn: "@ ")), text: m.text,
                                  createdAt: createdAt, urls: urls, inReplyTo: m.inReplyTo))
        }
        let results = try await intake.submitMentions(mentions, platform: platform)
        struct ReportItem: Encodable { let mention_id: String; let ticket: String; let subject: SubjectDTO; let category: String }
        struct IgnoredItem: Encodable { let mention_id: String; let reason: String }
        struct Answer: Encodable { let accepted: Int; let reports: [ReportItem]; let ignored: [IgnoredItem] }
        var reports: [ReportItem] = []
        var ignored: [IgnoredItem] = repeated.map { IgnoredItem(mention_id: $0, reason: "the same mention appears earlier in this batch") }
        for result in results {
            switch result {
            case .reported(let id, let stored):
                for r in stored {
                    if let subject = Subject.fromKey(r.subjectKey) {
                        reports.append(ReportItem(mention_id: id, ticket: r.ticket, subject: SubjectDTO(subject), category: r.category))
                    }
                }
            case .ignored(let id, let reason):
                ignored.append(IgnoredItem(mention_id: id, reason: reason))
            }
        }
        return try jsonResponse(Answer(accepted: reports.count, reports: reports, ignored: ignored), status: .ok)
    }
}

/// `GET /api/v1/stats`: public totals of reports and cases.
struct StatsAPIController: Sendable {
    let stats: IntakeStats

    func register(on routes: Routes) {
        routes.get(SitePath.API.stats, .everyone) { _, _ in try jsonResponse(try await stats.compute(), status: .ok) }
    }
}
