import FluentKit
import Foundation
import Hummingbird
import PantauCore

/// Staff pages of network blocking: the list and its serial, proposals and
/// their four-eyes review, apps with their whole history and normalisation,
/// the allow-list.
struct BlocklistStaffWebController: Sendable {
    let service: BlocklistService
    var database: PantauDatabase { service.database }
    var pages: BlocklistPages { BlocklistPages(database: database) }

    func register(on routes: Routes) {
        routes.get(SitePath.Blocklist.staff, .staff(.viewOrders)) { request, context in try await home(request, context) }
        routes.post(SitePath.Blocklist.staff, .staff(.proposeBlocks)) { request, context in try await propose(request, context) }
        routes.get(SitePath.Blocklist.proposal, .staff(.viewOrders)) { request, context in
            try await proposalPage(request, context, id: try pathID(context, request), notice: request.uri.queryParameters.get("notice"))
        }
        routes.post(SitePath.Blocklist.reviewProposal, .staff(.approveBlocks)) { request, context in try await review(request, context) }
        routes.get(SitePath.Blocklist.app, .staff(.viewOrders)) { request, context in
            try await appPage(request, context, slug: context.parameters.get("slug") ?? "", notice: request.uri.queryParameters.get("notice"))
        }
        routes.post(SitePath.Blocklist.liftApp, .staff(.proposeBlocks)) { request, context in try await proposeLift(request, context) }
        routes.post(SitePath.Blocklist.allowList, .staff(.manageAllowList)) { request, context in try await addAllow(request, context) }
        routes.post(SitePath.Blocklist.removeAllow, .staff(.manageAllowList)) { request, context in try await removeAllow(request, context) }
    }

    private func pathID(_ context: AppRequestContext, _ request: Request) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUIDText.parse(text) else { throw WebErrorPage(status: .notFound, language: Language(request: request)) }
        return id
    }

    private func redirect(_ path: String, _ l: Language, _ notice: (String, String)) -> Response {
        Response(status: .seeOther, headers: [.location: l.link(path + "?notice=" + (l.t(notice.0, notice.1).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))])
    }

    private func message(_ error: BlockActionError, _ l: Language) -> String { l.t(error.id, error.en) }


    func home(_ request: Request, _ context: AppRequestContext, status: HTTPResponse.Status = .ok, error: String? = nil,
              proposal: FormState? = nil, allow: FormState? = nil) async throws -> Response {
        let l = Language(request: request)
        let page = try await pages.home(sanction: request.uri.queryParameters.get("sanksi").flatMap { UUIDText.parse(String($0)) })
        let serials = try await service.zoneSerials()
        let view = BlocklistHomeView(
            language: l, identity: context.identity!, serial: serials.list, page: page, zoneSerial: serials.of,
            citedCase: request.uri.queryParameters.get("kasus").flatMap { UUIDText.parse(String($0)) },
            notice: request.uri.queryParameters.get("notice"), error: error, proposalForm: proposal, allowForm: allow)
        return htmlResponse(view.render(), status: status)
    }

    func propose(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let form = try await parseStaffForm(request, context, language: l)
        let names = (form.fields["names"] ?? "").split(whereSeparator: \.isNewline).map(String.init)
        let slug = (form.fields["app_slug"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            let caseIDs = try await citedCases(form.fields["cases"] ?? "")
            let proposal = try await service.proposeBlock(BlockRequest(
                names: names, action: BlockAction(rawValue: form.fields["action"] ?? "") ?? .nxdomain, reason: form.fields["reason"] ?? "",
                legalBases: form.values("legal_basis"), caseIDs: caseIDs, sanctionID: form.fields["sanction_id"].flatMap(UUIDText.parse),
                appSlug: slug.isEmpty ? nil : slug,
                appName: slug.isEmpty ? nil : (form.fields["app_name"] ?? slug), effectiveAt: nil, until: nil), by: context.identity!)
            return redirect(SitePath.Blocklist.proposal(proposal.id!), l, ("Usulan dicatat; menunggu persetujuan supervisor lain.", "Proposal recorded; it awaits another supervisor's approval."))
        } catch let error as BlockActionError {
            // The form comes back as typed, the message beside the field it is about.
            var state = FormState(form)
            state.fail(Self.proposalField(error.field), message(error, l))
            return try await home(request, context, status: error.kind.status, proposal: state)
        }
    }

    /// The form's field for a refusal's field (the service speaks the API's names).
    static func proposalField(_ field: String?) -> String {
        switch field {
        case "legal_bases": "legal_basis"
        case "case_ids": "cases"
        case "app": "app_slug"
        case "names", "action", "reason", "until": field!
        default: "names"
        }
    }

    /// The cases the form cites: one reference a line (ticket number, case id or content address).
    private func citedCases(_ text: String) async throws -> [UUID] {
        var ids: [UUID] = []
        for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let id = try await CaseReference.resolve(String(line), database: database) else {
                throw BlockActionError(kind: .invalid, code: "unknown_case",
                                       id: "Kasus baris \(index + 1) (“\(line)”) tidak ditemukan: isi nomor aduan, ID kasus, atau URL konten.",
                                       en: "Case on line \(index + 1) ('\(line)') not found: give a ticket number, a case id or the content's address.",
                                       field: "cases")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    func proposalPage(_ request: Request, _ context: AppRequestContext, id: UUID, status: HTTPResponse.Status = .ok, notice: String? = nil,
                      error: String? = nil) async throws -> Response {
        let l = Language(request: request)
        guard let page = try await pages.proposal(id) else {
            throw WebErrorPage(status: .notFound, language: l, detail: l.t("Usulan tidak ditemukan.", "Proposal not found."))
        }
        return htmlResponse(BlockProposalView(language: l, identity: context.identity!, proposal: page.proposal, entries: page.entries,
                                              events: page.events, app: page.app, cases: page.cases, notice: notice, error: error,
                                              names: try await Vocabulary.load(database)).render(), status: status)
    }

    func review(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let form = try await parseStaffForm(request, context, language: l)
        let id = try pathID(context, request)
        let approve = form.fields["approve"] == "1"
        do {
            _ = try await service.review(id, approve: approve, reason: form.fields["reason"] ?? "", by: context.identity!)
        } catch let error as BlockActionError {
            return try await proposalPage(request, context, id: id, status: error.kind.status, error: message(error, l))
        }
        return redirect(SitePath.Blocklist.proposal(id), l, approve ? ("Disetujui dan diterbitkan.", "Approved and published.") : ("Usulan ditolak.", "Proposal rejected."))
    }

    func appPage(_ request: Request, _ context: AppRequestContext, slug: String, status: HTTPResponse.Status = .ok, notice: String? = nil,
                 error: String? = nil) async throws -> Response {
        let l = Language(request: request)
        guard let page = try await pages.app(slug: slug) else {
            throw WebErrorPage(status: .notFound, language: l, detail: l.t("Aplikasi tidak ditemukan.", "App not found."))
        }
        return htmlResponse(BlockAppView(language: l, identity: context.identity!, app: page.app, entries: page.entries, events: page.events, notice: notice,
                                         error: error).render(), status: status)
    }

    func proposeLift(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let form = try await parseStaffForm(request, context, language: l)
        let slug = context.parameters.get("slug") ?? ""
        do {
            let proposal = try await service.proposeLift(appSlug: slug, entryIDs: [], conditions: form.fields["conditions"] ?? "", effectiveAt: nil,
                                                         by: context.identity!)
            return redirect(SitePath.Blocklist.proposal(proposal.id!), l, ("Normalisasi diusulkan; menunggu persetujuan.", "Normalisation proposed; it awaits approval."))
        } catch let error as BlockActionError {
            return try await appPage(request, context, slug: slug, status: error.kind.status, error: message(error, l))
        }
    }

    func addAllow(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        let form = try await parseStaffForm(request, context, language: l)
        do {
            _ = try await service.addAllow(form.fields["name"] ?? "", reason: form.fields["reason"] ?? "", by: context.identity!)
        } catch let error as BlockActionError {
            var state = FormState(form)
            state.fail(error.field == "reason" ? "reason" : "name", message(error, l))
            return try await home(request, context, status: error.kind.status, allow: state)
        }
        return redirect(SitePath.Blocklist.staff, l, ("Ditambahkan ke daftar izin.", "Added to the allow-list."))
    }

    func removeAllow(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let l = Language(request: request)
        _ = try await parseStaffForm(request, context, language: l)
        do {
            try await service.removeAllow(try pathID(context, request), by: context.identity!)
        } catch let error as BlockActionError {
            return try await home(request, context, status: error.kind.status, error: message(error, l))
        }
        return redirect(SitePath.Blocklist.staff, l, ("Dihapus dari daftar izin.", "Removed from the allow-list."))
    }
}
