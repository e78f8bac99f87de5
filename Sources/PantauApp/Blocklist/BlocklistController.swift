import CompressNIO
import FluentKit
import FluentSQL
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import PantauCore
import PantauDNS

/// The blocklist over HTTP: ISP downloads (RPZ, domains, hosts, IPs, JSON,
/// changes since a serial), the public lookup, and the staff API for
/// proposals, reviews and the allow-list.
struct BlocklistController: Sendable {
    let service: BlocklistService
    let exporter: BlocklistExporter
    let checker: BlockCheck
    let requiresToken: Bool
    /// The two-zone RPZ's zones as files (`/blocklist/rpz?zone=base|recent`), when the mode is on.
    var splitZones: [String: any ZoneProvider] = [:]
    var pages: BlocklistPages { BlocklistPages(database: service.database) }

    var database: PantauDatabase { service.database }

    func register(on routes: Routes) {
        let download: RouteAccess = requiresToken ? .staff(.downloadBlocklist) : .everyone
        routes.get(SitePath.Blocklist.rpz, download) { request, _ in
            guard let zone = request.uri.queryParameters.get("zone") else { return try await exportResponse(.rpz, request) }
            return try await splitZoneResponse(String(zone))
        }
        routes.get(SitePath.Blocklist.domains, download) { request, _ in try await exportResponse(.domains, request) }
        routes.get(SitePath.Blocklist.hosts, download) { request, _ in try await exportResponse(.hosts, request) }
        routes.get(SitePath.Blocklist.ips, download) { request, _ in try await exportResponse(.ips, request) }
        routes.get(SitePath.Blocklist.json, download) { request, _ in try await exportResponse(.json, request) }
        routes.get(SitePath.Blocklist.changes, download) { request, _ in try await changes(request) }
        routes.get(SitePath.API.check, .everyone) { request, _ in try await checkJSON(request) }

        routes.get(SitePath.API.blocks, .staff(.viewOrders)) { request, _ in try await listJSON(request) }
        // The DNS secondaries and how far each is (the primary's transfer log).
        routes.get(SitePath.API.secondaries, .staff(.viewOrders)) { _, _ in
            let serials = try await service.zoneSerials()
            var object = JSONObjectText()
            object.add("serial", Int(serials.list))
            object.add("secondaries", objects: try await pages.secondaries().map { row in
                var o = JSONObjectText()
                // Behind the serial of its own zone (a base's is older than the list's, recent's ahead of it).
                o.add("behind", Int(max(0, serials.of(row.zone) - row.serial)))
                o.add("bytes", Int(row.bytes))
                o.add("client", row.client)
                if let key = row.keyName { o.add("key_name", key) } else { o.addNull("key_name") }
                o.add("kind", row.kind)
                o.add("serial", Int(row.serial))
                o.add("transferred_at", isoTimestamp(row.transferredAt))
                o.add("zone", row.zone)
                return o
            })
            return jsonResponse(object, status: .ok)
        }
        routes.post(SitePath.API.blocks, .staff(.proposeBlocks)) { request, context in
            let body = try await decode(ProposeBody.self, request)
            let proposal = try await mapErrors {
                try await service.proposeBlock(BlockRequest(
                    names: body.names, action: try action(body.action), reason: body.reason, legalBases: body.legalBases ?? [],
                    caseIDs: try ids(body.caseIDs ?? [], field: "case_ids"), sanctionID: body.sanctionID.flatMap(UUIDText.parse),
                    appSlug: body.app?.slug, appName: body.app?.name,
                    effectiveAt: try time(body.effectiveAt, field: "effective_at"), until: try time(body.until, field: "until")), by: context.identity!)
            }
            return try await proposalJSON(proposal, status: .created)
        }
        routes.post(SitePath.API.lifts, .staff(.proposeBlocks)) { request, context in
            let body = try await decode(LiftBody.self, request)
            let proposal = try await mapErrors {
                try await service.proposeLift(appSlug: body.app, entryIDs: try ids(body.entries ?? [], field: "entries"), conditions: body.conditions,
                                              effectiveAt: try time(body.effectiveAt, field: "effective_at"), by: context.identity!)
            }
            return try await proposalJSON(proposal, status: .created)
        }
        routes.post(SitePath.API.blockProposalReview, .staff(.approveBlocks)) { request, context in
            let body = try await decode(CaseAPIController.ReviewBody.self, request)
            let id = try apiPathID(context)
            let proposal = try await mapErrors { try await service.review(id, approve: body.approve, reason: body.reason ?? "", by: context.identity!) }
            return try await proposalJSON(proposal, status: .ok)
        }
        routes.post(SitePath.API.allowList, .staff(.manageAllowList)) { request, context in
            let body = try await decode(AllowBody.self, request)
            let entry = try await mapErrors { try await service.addAllow(body.name, reason: body.reason, by: context.identity!) }
            var object = JSONObjectText()
            object.add("id", UUIDText.lower(entry.id!))
            object.add("name", entry.name)
            object.add("kind", entry.kind)
            object.add("serial", Int(try await service.currentSerial()))
            return jsonResponse(object, status: .created)
        }
        routes.post(SitePath.API.allowListRemove, .staff(.manageAllowList)) { _, context in
            let id = try apiPathID(context)
            try await mapErrors { try await service.removeAllow(id, by: context.identity!) }
            var object = JSONObjectText()
            object.add("removed", UUIDText.lower(id))
            object.add("serial", Int(try await service.currentSerial()))
            return jsonResponse(object, status: .ok)
        }
    }

    // MARK: Bodies

    struct ProposeBody: Decodable {
        struct App: Decodable { let slug: String; let name: String }
        let names: [String]
        let action: String?
        let reason: String
        let legalBases: [String]?
        let caseIDs: [String]?
        let sanctionID: String?
        let app: App?
        let effectiveAt: String?
        let until: String?
        enum CodingKeys: String, CodingKey {
            case names, action, reason, legalBases = "legal_bases", caseIDs = "case_ids", sanctionID = "sanction_id", app,
                 effectiveAt = "effective_at", until
        }
    }
    struct LiftBody: Decodable {
        let app: String?
        let entries: [String]?
        let conditions: String
        let effectiveAt: String?
        enum CodingKeys: String, CodingKey { case app, entries, conditions, effectiveAt = "effective_at" }
    }
    struct AllowBody: Decodable { let name: String; let reason: String }

    private func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await decodeJSONBody(type, request, limit: 1 << 20)
    }

    private func action(_ text: String?) throws -> BlockAction {
        guard let text else { return .nxdomain }
        guard let action = BlockAction(rawValue: text) else {
            throw APIError(.unprocessableContent, code: "invalid_action", message: "'action' must be nxdomain or redirect.", field: "action")
        }
        return action
    }

    private func ids(_ texts: [String], field: String) throws -> [UUID] {
        let parsed = texts.compactMap(UUIDText.parse)
        guard parsed.count == texts.count else { throw APIError(.unprocessableContent, code: "invalid_id", message: "'\(field)' must be ids.", field: field) }
        return parsed
    }

    private func time(_ text: String?, field: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = parseTimestamp(text) else {
            throw APIError(.unprocessableContent, code: "invalid_time", message: "'\(field)' must be an RFC 3339 time.", field: field)
        }
        return date
    }

    private func mapErrors<T>(_ body: () async throws -> T) async throws -> T { try await answeringRefusals(body) }

    private func proposalJSON(_ proposal: BlockProposalModel, status: HTTPResponse.Status) async throws -> Response {
        return try jsonResponse(ProposalDTO(proposal, entries: try await pages.entries(ofProposal: proposal.id!), serial: try await service.currentSerial()), status: status)
    }

    // MARK: Exports

    /// A download: `ETag` of format and serial (`304` when unchanged),
    /// gzip when the client accepts it, streamed page by page. The file is
    /// read from one snapshot and names its own serial; a publication
    /// between the headers and the snapshot gives a newer file under the
    /// older tag, which only means the next check downloads it again.
    func exportResponse(_ format: BlocklistExporter.Format, _ request: Request) async throws -> Response {
        let serial = try await service.currentSerial()
        let etag = "\"\(format.rawValue)-\(serial)\""
        var headers: HTTPFields = [.contentType: format.contentType, .eTag: etag, .cacheControl: "no-cache",
                                   HTTPField.Name("Pantau-Serial")!: String(serial), .vary: "Accept-Encoding"]
        if let match = request.headers[.ifNoneMatch], match.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }) {
            return Response(status: .notModified, headers: headers)
        }
        let gzip = (request.headers[.acceptEncoding] ?? "").lowercased().contains("gzip")
        if gzip { headers[.contentEncoding] = "gzip" }
        let exporter = exporter
        let now = service.clock.now()
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            if gzip {
                // A fixed window: whenever it fills, it goes out.
                let compressor = CompressionAlgorithm.gzip().compressor
                compressor.window = ByteBufferAllocator().buffer(capacity: 64 * 1024)
                try compressor.startStream()
                try await exporter.export(format, generatedAt: now) { piece in
                    var input = piece
                    try await input.compressStream(with: compressor, flush: .no) { window in try await writer.write(window) }
                }
                var empty = ByteBuffer()
                try await empty.compressStream(with: compressor, flush: .finish) { window in try await writer.write(window) }
                try compressor.finishStream()
            } else {
                try await exporter.export(format, generatedAt: now) { piece in try await writer.write(piece) }
            }
            try await writer.finish(nil)
        })
    }

    /// One zone of the two-zone RPZ as a zone file: its SOA (its own serial), NS, its records.
    func splitZoneResponse(_ name: String) async throws -> Response {
        guard !splitZones.isEmpty else {
            throw APIError(.badRequest, code: "split_off", message: "The two-zone RPZ is off here (PANTAU_RPZ_SPLIT=1 turns it on); without 'zone' the file is the one zone.", field: "zone")
        }
        guard let provider = splitZones[name] else {
            throw APIError(.badRequest, code: "invalid_zone", message: "'zone' must be base or recent, got '\(name.prefix(40))'.", field: "zone")
        }
        let soa = try await provider.soa()
        let headers: HTTPFields = [.contentType: BlocklistExporter.Format.rpz.contentType, .cacheControl: "no-cache",
                                   HTTPField.Name("Pantau-Serial")!: String(soa.serial)]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await ZoneFile.write(provider) { try await writer.write(ByteBuffer(bytes: $0)) }
            try await writer.finish(nil)
        })
    }

    func changes(_ request: Request) async throws -> Response {
        guard let text = request.uri.queryParameters.get("since"), let since = Int64(String(text)), since >= 0 else {
            throw APIError(.badRequest, code: "invalid_since", message: "'since' must be a serial (a whole number ≥ 0).", field: "since")
        }
        let changes = try await exporter.changes(since: since)
        if since > changes.to {
            throw APIError(.badRequest, code: "serial_in_future", message: "'since' (\(since)) is newer than the current serial \(changes.to).", field: "since")
        }
        return try jsonResponse(ChangesDTO(changes), status: .ok, headers: [HTTPField.Name("Pantau-Serial")!: String(changes.to)])
    }

    // MARK: Check

    func checkJSON(_ request: Request) async throws -> Response {
        guard let raw = request.uri.queryParameters.get("name").map({ String($0) }), !raw.isEmpty else {
            throw APIError(.badRequest, code: "name_required", message: "Give the name to check: ?name=example.com", field: "name")
        }
        switch try await checker.check(raw) {
        case .failure(let problem):
            throw APIError(.unprocessableContent, code: "invalid_name", message: "'\(raw)': \(problem.message.en)", field: "name")
        case .success(let result):
            return try jsonResponse(CheckDTO(result), status: .ok)
        }
    }

    func listJSON(_ request: Request) async throws -> Response {
        let text = request.uri.queryParameters.get("state").map { String($0) } ?? BlockEntryState.active.rawValue
        guard let state = BlockEntryState(rawValue: text) else {
            throw APIError(.badRequest, code: "invalid_state",
                           message: "'state' must be one of: " + BlockEntryState.allCases.map(\.rawValue).joined(separator: ", ") + ".", field: "state")
        }
        let entries = try await pages.entries(in: state)
        return try jsonResponse(EntryListDTO(serial: try await service.currentSerial(), entries: entries.map(EntryDTO.init)), status: .ok)
    }
}

// MARK: JSON shapes

struct EntryDTO: Encodable {
    let id: String
    let name: String
    let kind: String
    let action: String
    let state: String
    let reason: String
    let legalBases: [String]
    let effectiveFrom: Date
    let effectiveUntil: Date?
    let activatedAt: Date?
    let liftedAt: Date?
    enum CodingKeys: String, CodingKey {
        case id, name, kind, action, state, reason, legalBases = "legal_bases", effectiveFrom = "effective_from", effectiveUntil = "effective_until",
             activatedAt = "activated_at", liftedAt = "lifted_at"
    }

    init(_ e: BlockEntryModel) {
        id = UUIDText.lower(e.id!)
        name = e.name
        kind = e.kind
        action = e.action
        state = e.state
        reason = e.reason
        legalBases = e.legalBases.split(separator: ",").map(String.init)
        effectiveFrom = e.effectiveFrom
        effectiveUntil = e.effectiveUntil
        activatedAt = e.activatedAt
        liftedAt = e.liftedAt
    }
}

struct EntryListDTO: Encodable { let serial: Int64; let entries: [EntryDTO] }

struct ProposalDTO: Encodable {
    let id: String
    let number: String
    let kind: String
    let state: String
    let reason: String
    let conditions: String?
    let legalBases: [String]
    let effectiveAt: Date
    let proposedBy: String
    let reviewedBy: String?
    let entries: [EntryDTO]
    let serial: Int64
    enum CodingKeys: String, CodingKey {
        case id, number, kind, state, reason, conditions, legalBases = "legal_bases", effectiveAt = "effective_at", proposedBy = "proposed_by",
             reviewedBy = "reviewed_by", entries, serial
    }

    init(_ p: BlockProposalModel, entries: [BlockEntryModel], serial: Int64) {
        id = UUIDText.lower(p.id!)
        number = p.number
        kind = p.kind
        state = p.state
        reason = p.reason
        conditions = p.conditions
        legalBases = p.legalBases.split(separator: ",").map(String.init)
        effectiveAt = p.effectiveAt
        proposedBy = p.proposedByEmail
        reviewedBy = p.reviewedByEmail
        self.entries = entries.map(EntryDTO.init)
        self.serial = serial
    }
}

struct ChangesDTO: Encodable {
    struct Change: Encodable { let name: String; let kind: String; let action: String; let allow: Bool }
    let from: Int64
    let to: Int64
    let fullReload: Bool
    let added: [Change]
    let removed: [Change]
    enum CodingKeys: String, CodingKey { case from, to, fullReload = "full_reload_needed", added, removed }

    init(_ c: BlocklistExporter.Changes) {
        from = c.from
        to = c.to
        fullReload = c.fullReload
        added = c.added.map { Change(name: $0.name, kind: $0.kind, action: $0.action, allow: $0.allow) }
        removed = c.removed.map { Change(name: $0.name, kind: $0.kind, action: $0.action, allow: $0.allow) }
    }
}

struct CheckDTO: Encodable {
    struct Match: Encodable {
        let entry: String
        let matchedBy: String
        let since: Date?
        let reason: String
        let legalBases: [String]
        let app: String?
        let proposal: String?
        let appeal: String
        enum CodingKeys: String, CodingKey {
            case entry, matchedBy = "matched_by", since, reason, legalBases = "legal_bases", app, proposal, appeal
        }
    }
    struct Allow: Encodable { let entry: String; let reason: String; let since: Date }
    let name: String
    let status: String
    let blockedBy: Match?
    let allowedBy: Allow?

    enum CodingKeys: String, CodingKey { case name, status, blockedBy = "blocked_by", allowedBy = "allowed_by" }

    init(_ r: BlockCheck.Result) {
        name = r.name
        status = r.status.rawValue
        blockedBy = r.entry.map { e in
            Match(entry: (e.isSubdomains ? "*." : "") + e.name, matchedBy: r.matchedBy ?? "exact", since: e.activatedAt, reason: e.reason,
                  legalBases: e.legalBases.split(separator: ",").map(String.init), app: r.app?.name, proposal: r.proposal?.number,
                  appeal: SitePath.appeal + "?ref=" + (r.proposal?.caseIDs.split(separator: ",").first.map(String.init) ?? "https://" + r.name + "/"))
        }
        allowedBy = r.allow.map { Allow(entry: ($0.isSubdomains ? "*." : "") + $0.name, reason: $0.reason, since: $0.addedAt) }
    }
}
