/// What a reporter (and anyone holding the ticket) is told about a report:
/// plain-language stages, never internal comments or other reporters.
public enum PublicOutcome: String, CaseIterable, Sendable {
    case received
    case beingVerified = "being_verified"
    case reviewedAgain = "reviewed_again"
    case violatingOrderSent = "violating_order_sent"
    case violatingContentRemoved = "violating_content_removed"
    case violatingPlatformRefused = "violating_platform_refused"
    case violatingBlockProposed = "violating_block_proposed"
    case violatingBlocked = "violating_blocked"
    case violatingNotBlocked = "violating_not_blocked"
    case violatingBlockLifted = "violating_block_lifted"
    case violatingNoAction = "violating_no_action"
    case notViolating = "not_violating"
    case merged

    /// The outcome for a case's status, its latest final decision and, for a
    /// takedown order, where the case's order item stands; for a network
    /// block, how far the block has got.
    public static func of(status: CaseStatus, verdict: Verdict?, action: ProposedAction?, orderItem: OrderItemStatus? = nil,
                          block: NetworkBlockProgress? = nil) -> PublicOutcome {
        switch status {
        case .new: return .received
        case .inReview, .needsInfo, .escalated, .pendingApproval: return .beingVerified
        case .reopened: return .reviewedAgain
        case .closed: return .merged
        case .decided:
            switch (verdict, action) {
            case (.violating, .takedownOrder):
                switch orderItem {
                case .complied: return .violatingContentRemoved
                case .rejected: return .violatingPlatformRefused
                default: return .violatingOrderSent
                }
            case (.violating, .networkBlock):
                switch block {
                case .blocked: return .violatingBlocked
                case .notBlocked: return .violatingNotBlocked
                case .lifted: return .violatingBlockLifted
                case .proposed, nil: return .violatingBlockProposed
                }
            case (.violating, _): return .violatingNoAction
            default: return .notViolating
            }
        }
    }

    public var label: (id: String, en: String) {
        switch self {
        case .received: ("Diterima — menunggu verifikasi", "Received — awaiting verification")
        case .beingVerified: ("Sedang diverifikasi", "Being verified")
        case .reviewedAgain: ("Ditinjau ulang (banding)", "Being reviewed again (appeal)")
        case .violatingOrderSent: ("Melanggar — perintah takedown ke platform", "Violating — takedown order to the platform")
        case .violatingContentRemoved: ("Melanggar — konten sudah diturunkan platform", "Violating — the platform took the content down")
        case .violatingPlatformRefused: ("Melanggar — platform menolak menurunkan; ditindaklanjuti", "Violating — the platform refused; follow-up under way")
        case .violatingBlockProposed: ("Melanggar — pemblokiran akses diusulkan", "Violating — network block proposed")
        case .violatingBlocked: ("Melanggar — akses diblokir", "Violating — access blocked")
        case .violatingNotBlocked: ("Melanggar — pemblokiran tidak disetujui", "Violating — the block was not approved")
        case .violatingBlockLifted: ("Melanggar — pemblokiran telah dicabut (normalisasi)", "Violating — the block was lifted (normalisation)")
        case .violatingNoAction: ("Melanggar — tidak perlu tindakan lebih lanjut", "Violating — no further action needed")
        case .notViolating: ("Tidak melanggar", "Not violating")
        case .merged: ("Digabung dengan aduan lain atas konten yang sama", "Merged with other reports of the same content")
        }
    }

    public var explanation: (id: String, en: String) {
        switch self {
        case .received: ("Aduan Anda tercatat dan akan diperiksa oleh petugas. Hasilnya akan tampil di halaman ini.",
                         "Your report is on record and will be checked by staff. The outcome will appear on this page.")
        case .beingVerified: ("Petugas sedang memeriksa konten yang Anda laporkan.", "Staff are checking the content you reported.")
        case .reviewedAgain: ("Keputusan atas konten ini sedang ditinjau ulang oleh analis lain karena ada banding.",
                              "The decision on this content is being reviewed again by another analyst after an appeal.")
        case .violatingOrderSent: ("Konten dinyatakan melanggar. Platform diperintahkan menurunkannya dalam batas waktu.",
                                   "The content was found violating. The platform is ordered to take it down within a deadline.")
        case .violatingContentRemoved: ("Konten dinyatakan melanggar dan platform telah menurunkannya. Terima kasih atas laporan Anda.",
                                        "The content was found violating and the platform has taken it down. Thank you for reporting.")
        case .violatingPlatformRefused: ("Konten dinyatakan melanggar, tetapi platform menolak menurunkannya. Kami menindaklanjuti sesuai tahapan sanksi.",
                                         "The content was found violating, but the platform refused to take it down. We follow up through the sanctions ladder.")
        case .violatingBlockProposed: ("Konten dinyatakan melanggar. Pemblokiran akses di tingkat jaringan diusulkan dan menunggu pelaksanaan.",
                                       "The content was found violating. Blocking access at network level has been proposed.")
        case .violatingBlocked: ("Konten dinyatakan melanggar. Akses ke situs atau aplikasinya kini diblokir di tingkat jaringan (DNS penyedia internet).",
                                 "The content was found violating. Access to the site or app is now blocked at network level (the ISPs' DNS).")
        case .violatingNotBlocked: ("Konten dinyatakan melanggar, tetapi usulan pemblokiran tidak disetujui pada peninjauan kedua. Tindak lanjut lain tetap mungkin.",
                                    "The content was found violating, but the block proposal was not approved on second review. Other follow-up remains possible.")
        case .violatingBlockLifted: ("Konten dinyatakan melanggar dan sempat diblokir; pemblokiran telah dicabut setelah syarat normalisasi dipenuhi.",
                                     "The content was found violating and was blocked; the block was lifted once the normalisation conditions were met.")
        case .violatingNoAction: ("Konten dinyatakan melanggar, tetapi tidak perlu tindakan lebih lanjut (misalnya sudah dihapus).",
                                  "The content was found violating but needs no further action (for example, it is already gone).")
        case .notViolating: ("Setelah diperiksa, konten ini tidak melanggar ketentuan. Terima kasih atas kepedulian Anda.",
                             "After review, this content does not break the rules. Thank you for reporting.")
        case .merged: ("Konten yang sama sudah ditangani dalam kasus lain; hasilnya berlaku juga untuk aduan ini.",
                       "The same content is handled in another case; its outcome applies to this report too.")
        }
    }
}

/// How far a network block that a case set in motion has got, from the
/// newest blocklist entry of each name the case asks to block (whoever
/// proposed or imported it).
public enum NetworkBlockProgress: String, Sendable {
    case proposed, blocked, notBlocked = "not_blocked", lifted

    public static func of(newestEntries states: [BlockEntryState]) -> NetworkBlockProgress {
        if states.contains(.active) { return .blocked }
        if states.contains(where: \.isLive) || states.isEmpty { return .proposed }
        if states.contains(.lifted) { return .lifted }
        return .notBlocked
    }
}
