import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp

/// A "violating → network block" decision sets a block proposal in motion:
/// it cites the case, goes through four eyes like any proposal, the case
/// names it, and the reporter's ticket follows it.
@Suite(.serialized) struct NetworkBlockDecisionTests {
    static let gambling = "Situs menawarkan taruhan slot daring dengan deposit pulsa dan iklan bonus kepada pengguna di Indonesia."

    /// Decides a case as violating with the given action; returns the decision id.
    func decide(_ client: any TestClientProtocol, _ analyst: Staff, _ caseID: String, action: String = "network_block",
                category: String = "perjudian", basis: String = "uu-ite-27-2") async throws -> TestResponse {
        let body = #"{"verdict":"violating","category":"\#(category)","legal_bases":["\#(basis)"],"statement":"\#(Self.gambling)","public_reason":"Situs perjudian daring.","action":"\#(action)"}"#
        return try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: ByteBuffer(string: body))
    }

    func reviewDecision(_ client: any TestClientProtocol, _ supervisor: Staff, _ decisionID: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/decisions/\(decisionID)/review", method: .post, headers: supervisor.auth,
                                 body: ByteBuffer(string: #"{"approve":true,"reason":"Sesuai."}"#))
    }

    func reviewProposal(_ client: any TestClientProtocol, _ staff: Staff, _ id: String, approve: Bool) async throws -> TestResponse {
        try await client.execute(uri: "/api/v1/block-proposals/\(id)/review", method: .post, headers: staff.auth,
                                 body: ByteBuffer(string: approve ? #"{"approve":true}"# : #"{"approve":false,"reason":"Bukti belum cukup kuat untuk memblokir."}"#))
    }

    func outcome(_ client: any TestClientProtocol, _ ticket: String) async throws -> String? {
        try json(try await client.execute(uri: "/api/v1/reports/\(ticket)", method: .get))["outcome"] as? String
    }

    func caseJSON(_ client: any TestClientProtocol, _ staff: Staff, _ caseID: String) async throws -> [String: Any] {
        try json(try await client.execute(uri: "/api/v1/cases/\(caseID)", method: .get, headers: staff.auth))
    }

    func eventKinds(_ detail: [String: Any]) -> [String] {
        (detail["events"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } ?? []
    }

    /// Decides a case "violating → network block" and has the decision approved; returns the case's JSON.
    func blockDecided(_ client: any TestClientProtocol, analyst: Staff, supervisor: Staff, caseID: String) async throws -> [String: Any] {
        let decided = try await decide(client, analyst, caseID)
        #expect(decided.status == .created, "\(decided.text)")
        let decidedBody = try json(decided)
        #expect(decidedBody["needs_approval"] as? Bool == true, "a network block always takes four eyes")
        let approved = try await reviewDecision(client, supervisor, try #require(decidedBody["decision_id"] as? String))
        #expect(approved.status == .ok, "\(approved.text)")
        return try await caseJSON(client, supervisor, caseID)
    }

    @Test(arguments: Backend.available)
    func aBlockDecisionProposesTheDomainAndTheTicketFollowsTheBlock(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)
            let supervisor2 = try await Staff.make(accounts, "sup2@kominfo.test", .supervisor)
            let (ticket, caseID) = try await fileReport(client, url: "https://judi-slot.example/promo", category: "perjudian")
            #expect(try await outcome(client, ticket) == "received")

            // The analyst decides; until a supervisor approves, nothing is proposed.
            let decided = try await decide(client, analyst, caseID)
            #expect(decided.status == .created, "\(decided.text)")
            #expect(try await db.count("block_proposals") == 0)
            #expect(try await outcome(client, ticket) == "being_verified")
            let approved = try await reviewDecision(client, supervisor, try #require(try json(decided)["decision_id"] as? String))
            #expect(approved.status == .ok, "\(approved.text)")

            // The approved decision proposed blocking the domain with its subdomains, citing the case.
            var detail = try await caseJSON(client, supervisor, caseID)
            var proposals = try #require(detail["block_proposals"] as? [[String: Any]])
            #expect(proposals.count == 1)
            let proposal = try #require(proposals.first)
            let proposalID = try #require(proposal["id"] as? String)
            #expect((proposal["number"] as? String)?.hasPrefix("BLK-") == true)
            #expect(proposal["state"] as? String == "pending" && proposal["kind"] as? String == "block")
            let entries = try #require(proposal["entries"] as? [[String: Any]])
            #expect(entries.map { $0["name"] as? String } == ["judi-slot.example"])
            #expect(entries.map { $0["kind"] as? String } == ["subdomains"] && entries.map { $0["state"] as? String } == ["proposed"])
            #expect(eventKinds(detail).suffix(2) == ["decision_approved", "block_proposed"])
            #expect(detail["chain_intact"] as? Bool == true)
            let stored = try #require(try await BlockProposalModel.find(try #require(UUIDText.parse(proposalID)), on: db.db))
            #expect(stored.citedCaseIDs.map(UUIDText.lower) == [caseID] && stored.proposedByEmail == "analis@kominfo.test")
            #expect(stored.legalBases == "uu-ite-27-2" && stored.reason == "Situs perjudian daring.", "the decision's bases and public reason")
            #expect(try await outcome(client, ticket) == "violating_block_proposed")
            #expect(!(try await client.execute(uri: "/blocklist/domains.txt", method: .get).text.contains("judi-slot.example")))

            // It is on the staff blocking page, citing the case; four eyes as for any proposal.
            #expect(try await reviewProposal(client, analyst, proposalID, approve: true).status == .forbidden)
            let published = try await reviewProposal(client, supervisor, proposalID, approve: true)
            #expect(published.status == .ok, "\(published.text)")
            #expect(try await client.execute(uri: "/blocklist/domains.txt", method: .get).text.contains("judi-slot.example"))
            #expect(try await outcome(client, ticket) == "violating_blocked")
            detail = try await caseJSON(client, supervisor, caseID)
            proposals = try #require(detail["block_proposals"] as? [[String: Any]])
            #expect(proposals.first?["state"] as? String == "approved")
            #expect((proposals.first?["entries"] as? [[String: Any]])?.first?["state"] as? String == "active")
            #expect(eventKinds(detail).last == "block_approved")

            // A second case on the same site: the name is listed already, so the case joins the proposal that listed it.
            let (ticket2, case2) = try await fileReport(client, url: "https://judi-slot.example/daftar", category: "perjudian")
            let detail2 = try await blockDecided(client, analyst: analyst, supervisor: supervisor, caseID: case2)
            #expect((detail2["block_proposals"] as? [[String: Any]])?.map { $0["id"] as? String } == [proposalID])
            #expect(eventKinds(detail2).last == "block_already_listed")
            #expect(try await db.count("block_proposals") == 1)
            #expect(try await outcome(client, ticket2) == "violating_blocked")

            // Normalisation: both cases hear of it and both tickets say the block was lifted.
            let entryID = try #require(entries.first?["id"] as? String)
            let lift = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"entries":["\#(entryID)"],"conditions":"Pengelola menutup layanan taruhan dan menyerahkan domain kepada registrar."}"#))
            #expect(lift.status == .created, "\(lift.text)")
            #expect(try await reviewProposal(client, supervisor2, try #require(try json(lift)["id"] as? String), approve: true).status == .ok)
            #expect(try await outcome(client, ticket) == "violating_block_lifted")
            #expect(try await outcome(client, ticket2) == "violating_block_lifted")
            #expect(eventKinds(try await caseJSON(client, supervisor, case2)).last == "block_lifted")

            // A rejected proposal: the ticket says the block was not approved.
            let (ticket3, case3) = try await fileReport(client, url: "https://kasino-online.example/", category: "perjudian")
            let detail3 = try await blockDecided(client, analyst: analyst, supervisor: supervisor, caseID: case3)
            let proposal3 = try #require((detail3["block_proposals"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await reviewProposal(client, supervisor2, proposal3, approve: false).status == .ok)
            #expect(try await outcome(client, ticket3) == "violating_not_blocked")
            #expect(eventKinds(try await caseJSON(client, supervisor, case3)).last == "block_rejected")
            #expect(try await caseJSON(client, supervisor, case3)["chain_intact"] as? Bool == true)
        }
    }

    @Test(arguments: Backend.available)
    func aPlatformSubjectProposesItsAppAndTheAllowListIsNeverProposed(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)

            // A platform account: the whole app, one proposal for all its domains, under the app.
            let (_, caseID) = try await fileReport(client, url: "https://www.tiktok.com/@akun.judi", category: "perjudian")
            let detail = try await blockDecided(client, analyst: analyst, supervisor: supervisor, caseID: caseID)
            let proposal = try #require((detail["block_proposals"] as? [[String: Any]])?.first)
            let names = Set((proposal["entries"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? [])
            #expect(names == Set(PlatformApps.domains(of: .tiktok)))
            let app = try #require(try await BlockAppModel.query(on: db.db).filter(\.$slug == "tiktok").first())
            #expect(app.name == "TikTok")
            #expect(try await BlockEntryModel.query(on: db.db).filter(\.$appID == app.id!).count() == names.count)

            // Names on the allow-list are never proposed: when nothing is left,
            // the approval is refused and writes nothing.
            let allow = try await client.execute(uri: "/api/v1/allow-list", method: .post, headers: supervisor.auth,
                                                 body: ByteBuffer(string: #"{"name":"*.go.id","reason":"Layanan pemerintah tidak boleh diblokir."}"#))
            #expect(allow.status == .created, "\(allow.text)")
            let (ticket, govCase) = try await fileReport(client, url: "https://layanan.go.id/slot", category: "perjudian")
            let decided = try await decide(client, analyst, govCase)
            #expect(decided.status == .created, "\(decided.text)")
            let before = try await db.count("case_events")
            let refused = try await reviewDecision(client, supervisor, try #require(try json(decided)["decision_id"] as? String))
            #expect(refused.status == .conflict && refused.text.contains("allow_listed"), "\(refused.text)")
            #expect(try await db.count("case_events") == before, "nothing written")
            #expect(try await db.count("block_proposals") == 1)
            let govDetail = try await caseJSON(client, supervisor, govCase)
            #expect(govDetail["status"] as? String == "pending_approval")
            #expect(try await outcome(client, ticket) == "being_verified")
        }
    }

    @Test(arguments: Backend.available)
    func aSiteOnTheImportedListIsBlockedAtOnceAndAChangedDecisionWithdrawsItsProposal(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let analyst2 = try await Staff.make(accounts, "analis2@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup@kominfo.test", .supervisor)

            // A name the national list brought in (no proposal behind it): the ticket follows the name.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("list-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: file) }
            try "*.judi-impor.example\n".write(to: file, atomically: true, encoding: .utf8)
            _ = try await BlocklistImporter(database: db, normalizer: BlockNameNormalizer(zoneName: "rpz.pantau"))
                .run(path: file.path, reason: "Daftar nasional lama", legalBases: ["uu-ite-27-2"], action: .nxdomain, actor: "test", now: Date()) { _, _, _, _ in }
            let (ticket, caseID) = try await fileReport(client, url: "https://www.judi-impor.example/slot", category: "perjudian")
            let detail = try await blockDecided(client, analyst: analyst, supervisor: supervisor, caseID: caseID)
            #expect(eventKinds(detail).last == "block_already_listed")
            #expect(try await db.count("block_proposals") == 0, "nothing proposed again")
            #expect(try await outcome(client, ticket) == "violating_blocked")

            // A pending proposal made for one case is withdrawn when an appeal changes the decision.
            let (ticket2, case2) = try await fileReport(client, url: "https://taruhan-bola.example/", category: "perjudian")
            let proposed = try await blockDecided(client, analyst: analyst, supervisor: supervisor, caseID: case2)
            let proposalID = try #require((proposed["block_proposals"] as? [[String: Any]])?.first?["id"] as? String)
            let appeal = try await client.execute(uri: "/api/v1/appeals", method: .post, headers: [.contentType: "application/json"],
                                                  body: ByteBuffer(string: #"{"reference":"\#(ticket2)","reason":"Situs ini adalah portal berita olahraga, bukan taruhan."}"#))
            #expect(appeal.status == .created, "\(appeal.text)")
            #expect(try await client.execute(uri: "/api/v1/cases/\(case2)/claim", method: .post, headers: analyst2.auth).status == .ok)
            let overturn = #"{"verdict":"not_violating","statement":"Setelah ditinjau ulang, situs ini portal berita olahraga tanpa fasilitas taruhan apa pun.","public_reason":"Tidak melanggar."}"#
            let second = try await client.execute(uri: "/api/v1/cases/\(case2)/decisions", method: .post, headers: analyst2.auth, body: ByteBuffer(string: overturn))
            #expect(second.status == .created, "\(second.text)")
            if try json(second)["needs_approval"] as? Bool == true {
                #expect(try await reviewDecision(client, supervisor, try #require(try json(second)["decision_id"] as? String)).status == .ok)
            }
            let after = try await caseJSON(client, supervisor, case2)
            let proposal = try #require((after["block_proposals"] as? [[String: Any]])?.first)
            #expect(proposal["id"] as? String == proposalID && proposal["state"] as? String == "withdrawn")
            #expect((proposal["entries"] as? [[String: Any]])?.map { $0["state"] as? String } == ["rejected"])
            #expect(eventKinds(after).contains("block_withdrawn") && after["chain_intact"] as? Bool == true)
            #expect(try await reviewProposal(client, supervisor, proposalID, approve: true).status == .conflict, "a withdrawn proposal cannot be approved")
            #expect(try await outcome(client, ticket2) == "not_violating")
        }
    }

    @Test(arguments: Backend.available)
    func aStaffProposalCitesCasesThatExist(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis@kominfo.test", .analyst)
            let (_, caseID) = try await fileReport(client, url: "https://togel-online.example/", category: "perjudian")
            let unknown = try await client.execute(uri: "/api/v1/blocks", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"names":["togel-online.example"],"reason":"\#(Self.gambling)","legal_bases":["uu-ite-27-2"],"case_ids":["\#(UUIDText.lower(UUID()))"]}"#))
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("unknown_case"), "\(unknown.text)")
            #expect(try await db.count("block_proposals") == 0)
            let cited = try await client.execute(uri: "/api/v1/blocks", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                #"{"names":["togel-online.example"],"reason":"\#(Self.gambling)","legal_bases":["uu-ite-27-2"],"case_ids":["\#(caseID)"]}"#))
            #expect(cited.status == .created, "\(cited.text)")
            let detail = try await caseJSON(client, analyst, caseID)
            #expect((detail["block_proposals"] as? [[String: Any]])?.first?["id"] as? String == (try json(cited)["id"] as? String))
            #expect(eventKinds(detail).last == "block_proposed")
            #expect(detail["chain_intact"] as? Bool == true)
        }
    }
}
