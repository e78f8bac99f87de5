import Foundation
import PantauCore

/// An event's recorded details (its JSON payload) as people read them: each
/// field under its name in the page's language and each known value (a
/// status, an action, a verdict, a subject, a time) by its title. The payload
/// itself stays as recorded in the hash chain and the API.
enum EventDetails {
    private static let fieldNames: [String: (id: String, en: String)] = [
        "reason": ("Alasan", "Reason"), "order": ("Perintah", "Order"), "status_to": ("Menjadi", "Now"),
        "status_from": ("Semula", "Was"), "proposal": ("Usulan", "Proposal"), "decision_id": ("Putusan", "Decision"),
        "name": ("Nama", "Name"), "subject_key": ("Subjek", "Subject"), "names": ("Nama", "Names"), "item_id": ("Butir", "Item"),
        "proposal_id": ("Usulan", "Proposal"), "platform": ("Platform", "Platform"), "kind": ("Jenis", "Kind"),
        "items": ("Butir", "Items"), "due_at": ("Tenggat", "Due"), "category": ("Kategori", "Category"),
        "action": ("Tindakan", "Action"), "verdict": ("Putusan", "Verdict"), "sanction": ("Sanksi", "Sanction"),
        "proposed_by": ("Diusulkan oleh", "Proposed by"), "level": ("Tingkat", "Level"), "legal_bases": ("Dasar hukum", "Legal basis"),
        "effective_at": ("Berlaku", "Effective"), "deadline_at": ("Tenggat", "Deadline"), "comment_id": ("Catatan", "Comment"),
        "automated_detection": ("Deteksi otomatis", "Automated detection"), "automated_decision": ("Keputusan otomatis", "Automated decision"),
        "appeal": ("Banding", "Appeal"), "urgent": ("Mendesak", "Urgent"), "unassigned": ("Dilepas", "Unassigned"), "title": ("Judul", "Title"),
        "times_found_online": ("Masih daring (kali)", "Found online (times)"), "statement": ("Pernyataan", "Statement"),
        "source": ("Sumber", "Source"), "pinned": ("Disematkan", "Pinned"), "platform_name": ("Platform", "Platform"),
        "outcome": ("Hasil", "Outcome"), "order_id": ("Perintah", "Order"), "note": ("Catatan", "Note"),
        "needs_approval": ("Perlu persetujuan", "Needs approval"), "last_error": ("Galat terakhir", "Last error"),
        "evidence": ("Bukti", "Evidence"), "error": ("Galat", "Error"), "entries": ("Entri", "Entries"),
        "effective_from": ("Berlaku sejak", "Effective from"), "duplicate_of": ("Duplikat dari", "Duplicate of"),
        "duplicate_subject": ("Subjek duplikat", "Duplicate subject"), "duplicate_of_subject": ("Duplikat dari", "Duplicate of"),
        "duplicate_case": ("Kasus duplikat", "Duplicate case"), "decided_by": ("Diputus oleh", "Decided by"),
        "conditions": ("Syarat", "Conditions"), "channel": ("Saluran", "Channel"), "category_from": ("Kategori semula", "Category was"),
        "case_id": ("Kasus", "Case"), "attempts": ("Percobaan", "Attempts"), "assignee": ("Penanggung jawab", "Assignee"),
        "answer": ("Jawaban", "Answer"), "active": ("Aktif", "Active"), "public_reason": ("Alasan publik", "Public reason"),
        "ticket": ("Nomor aduan", "Ticket"), "count": ("Jumlah", "Count"), "serial": ("Serial", "Serial"), "match": ("Cakupan", "Scope"),
        "app": ("Aplikasi", "App"), "until": ("Sampai", "Until"), "state": ("Keadaan", "State"), "url": ("Alamat", "Address"),
        "score": ("Skor", "Score"), "seen": ("Terlihat", "Seen"), "watchlist": ("Daftar pantau", "Watchlist"), "label": ("Label", "Label"),
        "interval_seconds": ("Selang (detik)", "Interval (seconds)"), "enabled": ("Aktif", "Enabled"), "token": ("Token", "Token"),
    ]

    /// Titles of the values that are keys of Pantau's own vocabularies.
    private static func valueTitle(_ value: String, field: String, _ l: Language) -> String? {
        switch field {
        case "status_to", "status_from", "status":
            if let status = CaseStatus(rawValue: value) { return l.t(status.label.id, status.label.en) }
            if let status = OrderItemStatus(rawValue: value) { return l.t(status.label.id, status.label.en) }
        case "action", "pantau_action":
            if let action = ProposedAction(rawValue: value) { return l.t(action.label.id, action.label.en) }
            if let action = BlockAction(rawValue: value) { return l.t(action.label.id, action.label.en) }
        case "verdict":
            if let verdict = Verdict(rawValue: value) { return l.t(verdict.label.id, verdict.label.en) }
        case "state":
            if let state = BlockProposalState(rawValue: value) { return l.t(state.label.id, state.label.en) }
            if let state = BlockEntryState(rawValue: value) { return l.t(state.label.id, state.label.en) }
        case "match":
            if value == "subdomains" { return l.t("nama dan semua subdomain", "the name and all subdomains") }
            if value == "exact" { return l.t("nama itu saja", "the name only") }
        case "kind":
            if let kind = BlockProposalKind(rawValue: value) { return kind == .lift ? l.t("Normalisasi", "Lift") : l.t("Blokir", "Block") }
        case "subject_key", "duplicate_subject", "duplicate_of_subject":
            return Subject.title(ofKey: value, english: l == .en)
        case "platform":
            return Platform(rawValue: value)?.name(english: l == .en)
        case "channel":
            return l.channel(value)
        case "source":
            switch FindingSource(rawValue: value) {
            case .post: return l.t("unggahan platform", "platform post")
            case .page: return l.t("halaman web (perayap)", "web page (crawler)")
            case .recheck: return l.t("cek ulang", "re-check")
            case nil: break
            }
        case "due_at", "deadline_at", "effective_at", "effective_from", "until":
            return RFC3339.parse(value).map { l.minute($0) }
        default: break
        }
        if value == "true" { return l.t("ya", "yes") }
        if value == "false" { return l.t("tidak", "no") }
        return nil
    }

    /// "Semula: Dalam peninjauan · Menjadi: Diputus" for a payload.
    static func summary(_ payload: String, _ l: Language, names: Vocabulary = Vocabulary()) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return payload }
        return object.keys.sorted { order($0) < order($1) }.compactMap { key -> String? in
            let label = fieldNames[key].map { l.t($0.id, $0.en) } ?? key.replacingOccurrences(of: "_", with: " ").capitalized
            let value: String
            switch object[key] {
            case let list as [Any]:
                let texts = list.map { text("\($0)", field: key, l, names) }
                value = texts.isEmpty ? "—" : texts.joined(separator: ", ")
            case let other?:
                value = text("\(other)", field: key, l, names)
            case nil:
                return nil
            }
            return label + ": " + (value.count > 140 ? value.prefix(140) + "…" : value)
        }.joined(separator: " · ")
    }

    private static func text(_ value: String, field: String, _ l: Language, _ names: Vocabulary) -> String {
        if field == "legal_bases" { return names.basis(value) }
        if field == "category" || field == "category_from" { return names.category(value, l) }
        return valueTitle(value, field: field, l) ?? value
    }

    /// Before-and-after first, then the rest by name.
    private static func order(_ key: String) -> String {
        switch key {
        case "status_from": "0"
        case "status_to": "1"
        default: "2" + key
        }
    }
}

/// Titles of the audit log's event kinds (the kind itself stays in the log and is shown small beside it).
enum AuditKind {
    private static let titles: [String: (id: String, en: String)] = [
        "login": ("Masuk", "Signed in"), "login_failed": ("Gagal masuk", "Sign-in failed"), "login_throttled": ("Masuk ditahan (terlalu banyak percobaan)", "Sign-in held back (too many attempts)"),
        "logout": ("Keluar", "Signed out"), "password_changed": ("Kata sandi diganti", "Password changed"), "password_reset": ("Kata sandi sekali pakai dibuat", "One-time password made"),
        "user_created": ("Akun dibuat", "Account created"), "user_disabled": ("Akun dinonaktifkan", "Account disabled"), "user_enabled": ("Akun diaktifkan", "Account enabled"),
        "role_changed": ("Peran diubah", "Role changed"), "token_created": ("Token API dibuat", "API token created"), "token_revoked": ("Token API dicabut", "API token revoked"),
        "reporter_contact_viewed": ("Kontak pelapor dilihat", "Reporter's contact viewed"), "legal_basis_added": ("Dasar hukum ditambahkan", "Legal basis added"),
        "legal_basis_changed": ("Dasar hukum diubah", "Legal basis changed"), "platform_webhook_set": ("Webhook platform diatur", "Platform webhook set"),
        "platform_liaison_set": ("Penghubung platform diatur", "Platform liaison set"), "platform_deadline_set": ("Tenggat platform diatur", "Platform deadline set"),
        "letter_signatory_set": ("Penanda tangan surat diatur", "Letter signatory set"), "official_account_updated": ("Akun resmi diubah", "Official account updated"),
        "campaign_scheduled": ("Kampanye dijadwalkan", "Campaign scheduled"), "campaign_cancelled": ("Kampanye dibatalkan", "Campaign cancelled"),
        "campaign_released": ("Kampanye dirilis", "Campaign released"), "campaign_post_failed": ("Unggahan kampanye gagal", "Campaign post failed"),
        "campaign_post_recorded": ("Unggahan kampanye dicatat manual", "Campaign post recorded by hand"), "mention_answered": ("Sebutan dijawab", "Mention answered"),
        "mention_closed": ("Sebutan ditutup", "Mention closed"),
        "watchlist_created": ("Daftar pantau dibuat", "Watchlist created"), "watchlist_changed": ("Daftar pantau diubah", "Watchlist changed"),
        "watchlist_deleted": ("Daftar pantau dihapus", "Watchlist deleted"), "order_delivery_dead_lettered": ("Pengiriman perintah gagal total", "Order delivery gave up"),
        "monitor_source_added": ("Feed pemantauan ditambahkan", "Monitoring feed added"), "monitor_source_changed": ("Feed pemantauan diubah", "Monitoring feed changed"),
        "monitor_source_deleted": ("Feed pemantauan dihapus", "Monitoring feed deleted"), "sample_labelled": ("Sampel prevalensi diberi label", "Prevalence sample labelled"),
    ]

    static func title(_ kind: String, _ l: Language) -> String { titles[kind].map { l.t($0.id, $0.en) } ?? kind }
}

