import FluentKit
import Foundation
import Hummingbird
import PantauCore

/// Staff pages of takedown orders (list, order page, letter, re-check),
/// compliance and sanctions; and the platform portal for liaisons.
struct OrderWebController: Sendable {
    let tracking: OrderTrackingService
    let accounts: AccountService
    /// Monitoring's prevalence, shown on each platform's compliance page.
    let prevalence: PrevalenceService

    var pages: OrderPages { OrderPages(tracking: tracking) }

    func register(on routes: Routes) {
        routes.get(SitePath.Orders.list, .staff(.viewOrders)) { request, context in try await list(request, context) }
        routes.get(SitePath.Orders.page, .staff(.viewOrders)) { request, context in
            try await orderPage(request, context, id: try pathID(context, request), notice: request.uri.queryParameters.get("notice"))
        }
        routes.get(SitePath.Orders.letter, .staff(.viewOrders)) { request, context in try await letter(request, context) }
        routes.post(SitePath.Orders.recheck, .staff(.recheckOrderItems)) { request, context in try await recheck(request, context) }
        routes.post(SitePath.Orders.markSent, .staff(.sendOrdersManually)) { request, context in try await markSent(request, context) }
        routes.post(SitePath.Orders.sendNow, .staff(.sendOrdersManually)) { request, context in
            let language = Language(request: request)
            _ = try await parseStaffForm(request, context, language: language)
            let id = try pathID(context, request)
            do {
                _ = try await tracking.sendNow(id, by: context.identity!)
            } catch let error as OrderActionError {
                return try await orderPage(request, context, id: id, status: error.kind.status, error: language.t(error.id, error.en))
            }
            return redirect(SitePath.Orders.page(id), language, notice: ("Perintah diserahkan untuk dikirim sekarang.", "The order was handed to delivery now."))
        }
        routes.get(SitePath.Orders.compliance, .staff(.viewOrders)) { request, context in try await complianceOverview(request, context) }
        routes.get(SitePath.Orders.platforms, .staff(.viewOrders)) { request, context in try await platforms(request, context) }
        routes.get(SitePath.Orders.platformCompliance, .staff(.viewOrders)) { request, context in
            try await platformCompliance(request, context, platform: context.parameters.get("platform") ?? "",
                                         notice: request.uri.queryParameters.get("notice"))
        }
        routes.get(SitePath.Orders.sanctions, .staff(.viewOrders)) { request, context in
            htmlResponse(SanctionListView(language: Language(request: request), identity: context.identity!, sanctions: try await pages.sanctions()).render())
        }
        routes.post(SitePath.Orders.sanctions, .staff(.proposeSanctions)) { request, context in try await propose(request, context) }
        routes.get(SitePath.Orders.sanction, .staff(.viewOrders)) { request, context in
            try await sanctionPage(request, context, id: try pathID(context, request), notice: request.uri.queryParameters.get("notice"))
        }
        routes.post(SitePath.Orders.sanctionReview, .staff(.approveSanctions)) { request, context in try await reviewSanction(request, context) }
        routes.get(SitePath.Orders.sanctionLetter, .staff(.viewOrders)) { request, context in try await sanctionLetter(request, context) }

        routes.get(SitePath.Portal.home, .staff(.answerOrders)) { request, context in try await portal(request, context) }
        routes.get(SitePath.Portal.order, .staff(.answerOrders)) { request, context in
            try await portalOrder(request, context, id: try pathID(context, request), notice: request.uri.queryParameters.get("notice"))
        }
        routes.post(SitePath.Portal.acknowledge, .staff(.answerOrders)) { request, context in try await portalAcknowledge(request, context) }
        routes.post(SitePath.Portal.answer, .staff(.answerOrders)) { request, context in try await portalAnswer(request, context) }
    }

    // MARK: Helpers

    private func pathID(_ context: AppRequestContext, _ request: Request, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUIDText.parse(text) else {
            throw WebErrorPage(status: .notFound, language: Language(request: request))
        }
        return id
    }

    private func redirect(_ path: String, _ language: Language, notice: (String, String)) -> Response {
        let text = language.t(notice.0, notice.1)
        return Response(status: .seeOther, headers: [.location: language.link(path + "?notice=" + (text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))])
    }

    private func notFound(_ language: Language, _ error: OrderActionError = .orderNotFound) -> WebErrorPage {
        WebErrorPage(status: .notFound, language: language, detail: language.t(error.id, error.en))
    }

    private func period(_ request: Request, _ language: Language) throws -> CompliancePeriod {
        let q = request.uri.queryParameters
        switch CompliancePeriod.parse(q.get("period").map { String($0) }, from: q.get("from").map { String($0) }, to: q.get("to").map { String($0) },
                                      now: tracking.clock.now()) {
        case .success(let period): return period
        case .failure(let problem): throw WebErrorPage(status: .badRequest, language: language, detail: language.t(problem.id, problem.en))
        }
    }

    // MARK: Orders

    func list(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let platform = request.uri.queryParameters.get("platform").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let statusText = request.uri.queryParameters.get("status").map { String($0) } ?? ""
        let status = OrderStatus(rawValue: statusText)
        if !statusText.isEmpty && status == nil {
            throw WebErrorPage(status: .badRequest, language: language, detail: language.t("Status tidak dikenal.", "Unknown status."))
        }
        let list = try await pages.orderList(platform: platform, status: status)
        return htmlResponse(OrderListView(language: language, identity: context.identity!, orders: list.orders,
                                          platform: platform, status: status, overdueItems: list.overdueItems, now: tracking.clock.now()).render())
    }

    func orderPage(_ request: Request, _ context: AppRequestContext, id: UUID, status: HTTPResponse.Status = .ok,
                   notice: String? = nil, error: String? = nil) async throws -> Response {
        let language = Language(request: request)
        guard let detail = try await pages.order(id) else { throw notFound(language) }
        let view = OrderPageView(language: language, identity: context.identity!, order: detail.order, items: detail.items,
                                 attempts: detail.attempts, events: detail.events, now: tracking.clock.now(),
                                 awaitingManualSend: detail.awaitingManualSend, notice: notice, error: error,
                                 names: try await Vocabulary.load(tracking.database), rechecks: detail.rechecks)
        return htmlResponse(view.render(), status: status)
    }

    func letter(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let id = try pathID(context, request)
        guard let letter = try await pages.letter(id) else { throw notFound(language) }
        return htmlResponse(OrderLetterView(language: language, order: letter.order, items: letter.items, bases: letter.bases,
                                            platformName: letter.platformName, names: try await Vocabulary.load(tracking.database),
                                            signatory: try await LetterSignatory.load(tracking.database)).render())
    }

    func recheck(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let itemID = try pathID(context, request)
        guard let orderID = try await pages.orderID(ofItem: itemID) else { throw notFound(language, .itemNotFound) }
        let hash = (form.fields["evidence_sha256"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            _ = try await tracking.recheckStillOnline(item: itemID, evidence: form.fields["evidence"] ?? "", evidenceHash: hash.isEmpty ? nil : hash.lowercased(),
                                                      by: context.identity!)
        } catch let error as OrderActionError {
            return try await orderPage(request, context, id: orderID, status: error.kind.status, error: language.t(error.id, error.en))
        }
        return redirect(SitePath.Orders.page(orderID), language, notice: ("Butir dibuka lagi dengan tenggat baru.", "The item is open again with a new deadline."))
    }

    func markSent(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let id = try pathID(context, request)
        do {
            _ = try await tracking.markSentManually(id, note: form.fields["note"] ?? "", by: context.identity!)
        } catch let error as OrderActionError {
            if error.kind == .notFound { throw notFound(language, error) }
            return try await orderPage(request, context, id: id, status: error.kind.status, error: language.t(error.id, error.en))
        }
        return redirect(SitePath.Orders.page(id), language, notice: ("Dicatat terkirim; tenggat mulai berjalan.", "Recorded as sent; the deadline runs."))
    }

    // MARK: Compliance

    func complianceOverview(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let period = try period(request, language)
        var rows: [OrderTrackingService.Compliance] = []
        for platform in Platform.allCases where platform != .web {
            rows.append(try await tracking.compliance(platform: platform.rawValue, from: period.from, to: period.to))
        }
        return htmlResponse(ComplianceOverviewView(language: language, identity: context.identity!, period: period, rows: rows).render())
    }

    func platformCompliance(_ request: Request, _ context: AppRequestContext, platform: String, status: HTTPResponse.Status = .ok,
                            notice: String? = nil, error: String? = nil, form: FormState? = nil) async throws -> Response {
        let language = Language(request: request)
        guard let p = Platform(rawValue: platform), p != .web else {
            throw WebErrorPage(status: .notFound, language: language, detail: language.t("Platform tidak dikenal.", "Unknown platform."))
        }
        let period = try period(request, language)
        let page = try await pages.platformCompliance(p, period: period)
        let view = PlatformComplianceView(language: language, identity: context.identity!, period: period, compliance: page.compliance,
                                          citable: page.citable, sanctions: page.sanctions, nextLevel: page.nextLevel,
                                          events: page.events, notice: notice, error: error, form: form,
                                          prevalence: try await prevalence.figures(platform: p.rawValue))
        return htmlResponse(view.render(), status: status)
    }

    /// Every platform's delivery channel, liaison, deadline overrides and
    /// place on the sanctions ladder (set with `pantau platform …`).
    func platforms(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        return htmlResponse(PlatformsView(language: language, identity: context.identity!, rows: try await pages.platforms(), deadlines: tracking.orders.deadlines,
                                          smtp: tracking.smtpConfigured).render())
    }

    // MARK: Sanctions

    func propose(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let platform = form.fields["platform"] ?? ""
        guard Platform(rawValue: platform) != nil else {
            throw WebErrorPage(status: .unprocessableContent, language: language, detail: language.t("Platform tidak dikenal.", "Unknown platform."))
        }
        let ids = form.values("item").compactMap(UUIDText.parse)
        do {
            guard ids.count == form.values("item").count else {
                throw OrderActionError(kind: .invalid, code: "invalid_items", id: "Butir tidak sah.", en: "Invalid items.")
            }
            let sanction = try await tracking.proposeSanction(platform: platform, items: ids, reason: form.fields["reason"] ?? "", by: context.identity!)
            return redirect(SitePath.Orders.sanction(sanction.id!), language,
                            notice: ("Sanksi diusulkan; menunggu persetujuan supervisor lain.", "Sanction proposed; it awaits another supervisor's approval."))
        } catch let error as OrderActionError {
            // The form comes back as typed, the message beside its field (or at the top when it is about no field).
            var state = FormState(form)
            guard let field = error.field ?? (error.code.contains("item") ? "item" : nil) else {
                return try await platformCompliance(request, context, platform: platform, status: error.kind.status, error: language.t(error.id, error.en), form: state)
            }
            state.fail(field, language.t(error.id, error.en))
            return try await platformCompliance(request, context, platform: platform, status: error.kind.status, form: state)
        }
    }

    func sanctionPage(_ request: Request, _ context: AppRequestContext, id: UUID, status: HTTPResponse.Status = .ok,
                      notice: String? = nil, error: String? = nil) async throws -> Response {
        let language = Language(request: request)
        guard let page = try await pages.sanction(id) else {
            throw WebErrorPage(status: .notFound, language: language, detail: language.t("Sanksi tidak ditemukan.", "Sanction not found."))
        }
        let view = SanctionView(language: language, identity: context.identity!, sanction: page.sanction, items: page.items,
                                error: error, notice: notice)
        return htmlResponse(view.render(), status: status)
    }

    func reviewSanction(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let form = try await parseStaffForm(request, context, language: language)
        let id = try pathID(context, request)
        let approve = form.fields["approve"] == "1"
        do {
            _ = try await tracking.reviewSanction(id, approve: approve, reason: form.fields["reason"] ?? "", by: context.identity!)
        } catch let error as OrderActionError {
            return try await sanctionPage(request, context, id: id, status: error.kind.status, error: language.t(error.id, error.en))
        }
        return redirect(SitePath.Orders.sanction(id), language, notice: approve ? ("Sanksi diterbitkan.", "Sanction issued.") : ("Usulan sanksi ditolak.", "Sanction rejected."))
    }

    func sanctionLetter(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        guard let page = try await pages.sanction(try pathID(context, request)), page.sanction.state == .issued else {
            throw WebErrorPage(status: .notFound, language: language, detail: language.t("Surat hanya ada untuk sanksi yang diterbitkan.",
                                                                                          "Letters exist for issued sanctions only."))
        }
        return htmlResponse(SanctionLetterView(language: language, sanction: page.sanction, items: page.items,
                                               signatory: try await LetterSignatory.load(tracking.database)).render())
    }

    // MARK: Platform portal

    private func ownPlatform(_ context: AppRequestContext, _ language: Language) throws -> String {
        guard let platform = context.identity?.platform else {
            throw WebErrorPage(status: .forbidden, language: language, kind: .accessDenied)
        }
        return platform.rawValue
    }

    func portal(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        let platform = try ownPlatform(context, language)
        let (open, recent) = try await pages.portal(platform: platform, actor: context.identity!.actor)
        return htmlResponse(PortalView(language: language, identity: context.identity!, open: open, recent: recent,
                                       now: tracking.clock.now()).render())
    }

    func portalOrder(_ request: Request, _ context: AppRequestContext, id: UUID, status: HTTPResponse.Status = .ok,
                     notice: String? = nil, error: String? = nil, refused: (item: UUID, form: FormState)? = nil) async throws -> Response {
        let language = Language(request: request)
        guard let page = try await pages.portalOrder(id, platform: try ownPlatform(context, language), actor: context.identity!.actor) else { throw notFound(language) }
        let view = PortalOrderView(language: language, identity: context.identity!, order: page.order, items: page.items,
                                   now: tracking.clock.now(), notice: notice, error: error, names: try await Vocabulary.load(tracking.database),
                                   refused: refused)
        return htmlResponse(view.render(), status: status)
    }

    func portalAcknowledge(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        _ = try await parseStaffForm(request, context, language: language)
        let id = try pathID(context, request)
        do {
            _ = try await tracking.acknowledge(id, platform: try ownPlatform(context, language), actor: context.identity!.actor)
        } catch let error as OrderActionError {
            throw notFound(language, error)
        }
        return redirect(SitePath.Portal.order(id), language, notice: ("Penerimaan dikonfirmasi.", "Receipt acknowledged."))
    }

    func portalAnswer(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let language = Language(request: request)
        var form = FormState(try await parseStaffForm(request, context, language: language))
        let id = try pathID(context, request)
        let itemID = try pathID(context, request, "item")
        let platform = try ownPlatform(context, language)
        let answer = OrderItemAnswer(rawValue: form["answer"])
        if answer == nil { form.fail("answer", language.t("Pilih jawaban.", "Choose an answer.")) }
        var removedAt: Date?
        if answer == .complied {
            removedAt = form.minute("removed_at", language, label: language.t("Waktu penurunan", "The removal time")) ?? (form.isValid ? tracking.clock.now() : nil)
        }
        if let answer, form.isValid {
            do {
                _ = try await tracking.answer(item: itemID, of: id, platform: platform, answer: answer, removedAt: removedAt,
                                              reason: form.values["reason"], actor: context.identity!.actor)
                return redirect(SitePath.Portal.order(id), language, notice: ("Jawaban tercatat.", "Answer recorded."))
            } catch let error as OrderActionError {
                if error.kind == .notFound { throw notFound(language, error) }
                // A refusal about a field comes back beside it, with what was typed.
                guard let field = error.field else {
                    return try await portalOrder(request, context, id: id, status: error.kind.status, error: language.t(error.id, error.en))
                }
                form.fail(field, language.t(error.id, error.en))
            } catch let error as CaseActionError {
                return try await portalOrder(request, context, id: id, status: error.status, error: language.t(error.id, error.en))
            }
        }
        return try await portalOrder(request, context, id: id, status: .unprocessableContent, refused: (itemID, form))
    }
}
