import Foundation
import PantauCore

/// Turns what arrives on any channel into intake jobs: validates, seals the
/// contact, links evidence, and hands the job to the writer.
struct IntakeService: Sendable {
    let writer: ReportWriter
    let categories: CategoryIndex
    let cipher: ContactCipher
    let evidence: EvidenceStore
    let clock: any PantauClock
    let officialHandles: [Platform: String]
    let metrics: PantauMetrics

    /// A report from the web form, the API or an import.
    func submit(_ input: ReportInput, channel: ReportChannel, idempotency: IdempotencyClaim? = nil,
                uploadedEvidence: [StoredEvidence] = [], receivedAt: Date? = nil) async throws -> IntakeOutcome {
        let report = try ReportValidator.validate(input, categories: categories)
        var files = uploadedEvidence
        for hash in report.evidence where !files.contains(where: { $0.sha256 == hash }) {
            guard let stored = evidence.lookup(hash) else {
                throw ReportInputError(field: "evidence", code: "unknown_evidence",
                                       message: "No evidence file with sha256 \(hash); upload it first with POST /api/v1/evidence.",
                                       messageID: "Berkas bukti \(hash) belum diunggah.")
            }
            files.append(stored)
        }
        let draft = try makeDraft(report, channel: channel, contact: report.contact, sourceRef: nil, evidence: files, receivedAt: receivedAt)
        let outcome = try await writer.submit(IntakeJob(drafts: [draft], idempotency: idempotency))
        if case .stored(let record) = outcome { metrics.recordAccepted(channel: channel, count: record.reports.count) }
        return outcome
    }

    func makeDraft(_ report: ValidatedReport, channel: ReportChannel, contact: ReporterContact?, sourceRef: String?,
                   evidence: [StoredEvidence], receivedAt: Date? = nil) throws -> ReportDraft {
        let now = receivedAt ?? clock.now()
        return ReportDraft(id: OrderedID.make(at: now), ticket: TicketNumber.make(at: now), channel: channel, report: report, receivedAt: now,
                           sealedContact: try contact.map(cipher.seal), sourceRef: sourceRef, evidence: evidence)
    }

    // MARK: Mentions

    struct Mention: Sendable {
        let id: String
        let author: String?
        let text: String
        let createdAt: Date?
        let urls: [String]
        let inReplyTo: String?
    }

    enum MentionResult: Sendable {
        case reported(mentionID: String, reports: [StoredReport])
        case ignored(mentionID: String, reason: String)
    }

    /// Each mention becomes one report per target it names; mentions are
    /// idempotent on (platform, mention id).
    func submitMentions(_ mentions: [Mention], platform: Platform) async throws -> [MentionResult] {
        let official = Set([officialHandles[platform]].compactMap { $0 })
        return try await withThrowingTaskGroup(of: (Int, MentionResult).self) { group in
            for (index, mention) in mentions.enumerated() {
                group.addTask {
                    (index, try await submitMention(mention, platform: platform, official: official))
                }
            }
            var results = [MentionResult?](repeating: nil, count: mentions.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0! }
        }
    }

    private func submitMention(_ mention: Mention, platform: Platform, official: Set<String>) async throws -> MentionResult {
        let parsed = MentionParser.parse(text: mention.text, urls: mention.urls, inReplyTo: mention.inReplyTo, platform: platform,
                                         officialHandles: official, categories: categories)
        let category = parsed.categoryHint ?? CategoryCatalog.fallbackSlug
        let contact = mention.author.map { ReporterContact(platformAccount: "\(platform.rawValue):\($0)") }
        let reason: String? = parsed.targets.isEmpty ? "no reported account, post or link found in the mention" : nil
        var drafts: [ReportDraft] = []
        for target in parsed.targets {
            let report = ValidatedReport(subject: target.subject, target: target.source, category: category,
                                         description: String(mention.text.prefix(ReportValidator.maximumDescriptionLength)),
                                         contact: contact, evidence: [])
            drafts.append(try makeDraft(report, channel: .mention, contact: contact, sourceRef: "\(platform.rawValue):\(mention.id)", evidence: []))
        }
        let job = IntakeJob(
            drafts: drafts,
            idempotency: IdempotencyClaim(scope: "mention:\(platform.rawValue)", key: mention.id, fingerprint: nil),
            mention: MentionRecordDraft(platform: platform.rawValue, mentionID: mention.id, text: mention.text, mentionedAt: mention.createdAt,
                                        outcome: (drafts.isEmpty ? MentionOutcome.ignored : .reported).rawValue, reason: reason),
            note: reason)
        let outcome = try await writer.submit(job)
        if case .stored(let record) = outcome { metrics.recordAccepted(channel: .mention, count: record.reports.count) }
        guard let record = outcome.record else { throw IntakeError(message: "mention idempotency conflict") }
        if record.reports.isEmpty { return .ignored(mentionID: mention.id, reason: record.note ?? "ignored") }
        return .reported(mentionID: mention.id, reports: record.reports)
    }
}
