import Foundation

/// Every kind of event in a case's hash-chained history. The raw value is
/// stored (and hashed) with the event, so it never changes.
public enum CaseEventKind: String, CaseIterable, Codable, Sendable {
    case caseOpened = "case_opened"
    case reportReceived = "report_received"
    case caseClaimed = "case_claimed"
    case caseAssigned = "case_assigned"
    case caseUnassigned = "case_unassigned"
    case caseEscalated = "case_escalated"
    case categorySet = "category_set"
    case caseMarkedDuplicate = "case_marked_duplicate"
    case duplicateMerged = "duplicate_merged"
    case markedHighImpact = "marked_high_impact"
    case unmarkedHighImpact = "unmarked_high_impact"
    case decisionMade = "decision_made"
    case decisionProposed = "decision_proposed"
    case decisionApproved = "decision_approved"
    case decisionRejected = "decision_rejected"
    case informationRequested = "information_requested"
    case commentAdded = "comment_added"
    case commentPinned = "comment_pinned"
    case commentUnpinned = "comment_unpinned"
    case appealFiled = "appeal_filed"
    case appealResolved = "appeal_resolved"
    // What the case set in motion at a platform.
    case orderItemAdded = "order_item_added"
    case orderSent = "order_sent"
    case orderItemComplied = "order_item_complied"
    case orderItemRejected = "order_item_rejected"
    case orderItemObjected = "order_item_objected"
    case orderItemOverdue = "order_item_overdue"
    case orderItemStillOnline = "order_item_still_online"
    case orderItemWithdrawn = "order_item_withdrawn"
    case orderItemObjectionDismissed = "order_item_objection_dismissed"
    // What the case set in motion at the ISPs.
    case blockProposed = "block_proposed"
    case blockAlreadyListed = "block_already_listed"
    case blockApproved = "block_approved"
    case blockRejected = "block_rejected"
    case blockWithdrawn = "block_withdrawn"
    case blockLifted = "block_lifted"
    // What monitoring saw after the decision.
    /// The subject of a case decided violating was found online again
    /// (a watchlist finding, or a re-check of what was taken down or blocked).
    case reappeared = "reappeared"

    /// The case event of a platform's answer to the case's order item.
    public static func orderItemAnswered(_ answer: OrderItemAnswer) -> CaseEventKind {
        switch answer {
        case .complied: .orderItemComplied
        case .rejected: .orderItemRejected
        case .objected: .orderItemObjected
        }
    }

    /// The case event of a new decision's effect on the case's order item.
    public static func orderItem(_ redecision: OrderRules.ItemRedecision) -> CaseEventKind {
        switch redecision {
        case .objectionDismissed: .orderItemObjectionDismissed
        case .withdrawn: .orderItemWithdrawn
        }
    }

    public var title: (id: String, en: String) {
        switch self {
        case .caseOpened: ("Kasus dibuka", "Case opened")
        case .reportReceived: ("Aduan diterima", "Report received")
        case .caseClaimed: ("Diambil", "Claimed")
        case .caseAssigned: ("Ditugaskan", "Assigned")
        case .caseUnassigned: ("Penugasan dilepas", "Unassigned")
        case .caseEscalated: ("Dieskalasi", "Escalated")
        case .categorySet: ("Kategori diubah", "Category set")
        case .caseMarkedDuplicate: ("Ditandai duplikat", "Marked duplicate")
        case .duplicateMerged: ("Duplikat digabung", "Duplicate merged")
        case .markedHighImpact: ("Ditandai berdampak luas", "Marked high impact")
        case .unmarkedHighImpact: ("Tanda dampak luas dihapus", "High-impact mark removed")
        case .decisionMade: ("Putusan", "Decision")
        case .decisionProposed: ("Putusan diajukan (empat mata)", "Decision proposed (four eyes)")
        case .decisionApproved: ("Putusan disetujui", "Decision approved")
        case .decisionRejected: ("Putusan ditolak", "Decision rejected")
        case .informationRequested: ("Perlu informasi", "Information requested")
        case .commentAdded: ("Komentar ditambahkan", "Comment added")
        case .commentPinned: ("Komentar disematkan", "Comment pinned")
        case .commentUnpinned: ("Sematan dilepas", "Comment unpinned")
        case .appealFiled: ("Banding diajukan", "Appeal filed")
        case .appealResolved: ("Banding dijawab", "Appeal answered")
        case .orderItemAdded: ("Masuk perintah takedown", "Added to a takedown order")
        case .orderSent: ("Perintah takedown terkirim", "Takedown order sent")
        case .orderItemComplied: ("Platform menurunkan konten", "The platform took the content down")
        case .orderItemRejected: ("Platform menolak menurunkan", "The platform refused to take it down")
        case .orderItemObjected: ("Platform menyanggah", "The platform objected")
        case .orderItemOverdue: ("Perintah lewat tenggat", "Order item overdue")
        case .orderItemStillOnline: ("Cek ulang: konten masih tayang", "Re-check: the content is still online")
        case .orderItemWithdrawn: ("Butir perintah dicabut", "Order item withdrawn")
        case .orderItemObjectionDismissed: ("Sanggahan ditolak; perintah berlaku lagi", "Objection dismissed; the order stands again")
        case .blockProposed: ("Pemblokiran jaringan diusulkan", "Network block proposed")
        case .blockAlreadyListed: ("Sudah ada di daftar blokir", "Already on the blocklist")
        case .blockApproved: ("Pemblokiran disetujui", "Block approved")
        case .blockRejected: ("Usulan pemblokiran ditolak", "Block proposal rejected")
        case .blockWithdrawn: ("Usulan pemblokiran ditarik (putusan berubah)", "Block proposal withdrawn (the decision changed)")
        case .blockLifted: ("Pemblokiran dinormalisasi", "Block lifted (normalised)")
        case .reappeared: ("Muncul kembali (pemantauan)", "Reappeared (monitoring)")
        }
    }
}

/// Every kind of event in a platform's history (orders, answers, sanctions).
public enum PlatformEventKind: String, CaseIterable, Codable, Sendable {
    case orderDispatched = "order_dispatched"
    case orderSent = "order_sent"
    case orderAwaitingManualSend = "order_awaiting_manual_send"
    case orderSentManually = "order_sent_manually"
    case orderAcknowledged = "order_acknowledged"
    /// The platform read the order (API or portal) before it was delivered another way: that is its delivery.
    case orderFetched = "order_fetched"
    /// Staff closed a collecting batch before its window ended.
    case orderSendNow = "order_send_now"
    case itemComplied = "item_complied"
    case itemRejected = "item_rejected"
    case itemObjected = "item_objected"
    case itemOverdue = "item_overdue"
    case itemStillOnline = "item_still_online"
    /// Monitoring's re-check found a complied item online again.
    case itemReappeared = "item_reappeared"
    case itemWithdrawn = "item_withdrawn"
    case itemObjectionDismissed = "item_objection_dismissed"
    case sanctionProposed = "sanction_proposed"
    case sanctionIssued = "sanction_issued"
    case sanctionRejected = "sanction_rejected"

    public static func itemAnswered(_ answer: OrderItemAnswer) -> PlatformEventKind {
        switch answer {
        case .complied: .itemComplied
        case .rejected: .itemRejected
        case .objected: .itemObjected
        }
    }

    public static func item(_ redecision: OrderRules.ItemRedecision) -> PlatformEventKind {
        switch redecision {
        case .objectionDismissed: .itemObjectionDismissed
        case .withdrawn: .itemWithdrawn
        }
    }

    public static func sanctionReviewed(approve: Bool) -> PlatformEventKind { approve ? .sanctionIssued : .sanctionRejected }

    public var title: (id: String, en: String) {
        switch self {
        case .orderDispatched: ("Perintah disiapkan untuk dikirim", "Order handed to delivery")
        case .orderSent: ("Perintah terkirim", "Order sent")
        case .orderAwaitingManualSend: ("Menunggu dikirim manual", "Waiting to be sent by hand")
        case .orderSentManually: ("Dikirim manual", "Sent by hand")
        case .orderAcknowledged: ("Diterima platform", "Acknowledged by the platform")
        case .orderFetched: ("Diambil platform (API atau portal)", "Fetched by the platform (API or portal)")
        case .orderSendNow: ("Dikirim sekarang, sebelum jendela kumpulan berakhir", "Sent now, before the batch window ended")
        case .itemComplied: ("Butir diturunkan", "Item taken down")
        case .itemRejected: ("Butir ditolak", "Item refused")
        case .itemObjected: ("Butir disanggah", "Item objected")
        case .itemOverdue: ("Butir lewat tenggat", "Item overdue")
        case .itemStillOnline: ("Cek ulang: masih tayang", "Re-check: still online")
        case .itemReappeared: ("Pemantauan: muncul kembali", "Monitoring: reappeared")
        case .itemWithdrawn: ("Butir dicabut", "Item withdrawn")
        case .itemObjectionDismissed: ("Sanggahan ditolak", "Objection dismissed")
        case .sanctionProposed: ("Sanksi diusulkan", "Sanction proposed")
        case .sanctionIssued: ("Sanksi diterbitkan", "Sanction issued")
        case .sanctionRejected: ("Usulan sanksi ditolak", "Sanction rejected")
        }
    }
}

/// Every kind of event in the blocklist's history.
public enum BlockEventKind: String, CaseIterable, Codable, Sendable {
    case blockProposed = "block_proposed"
    case blockApproved = "block_approved"
    case blockRejected = "block_rejected"
    case blockWithdrawn = "block_withdrawn"
    case blockScheduled = "block_scheduled"
    case blockActivated = "block_activated"
    case blockLifted = "block_lifted"
    case liftProposed = "lift_proposed"
    case liftApproved = "lift_approved"
    case liftRejected = "lift_rejected"
    case allowAdded = "allow_added"
    case allowRemoved = "allow_removed"
    case blocklistImported = "blocklist_imported"

    public static func reviewed(_ kind: BlockProposalKind, approve: Bool) -> BlockEventKind {
        switch (kind, approve) {
        case (.block, true): .blockApproved
        case (.block, false): .blockRejected
        case (.lift, true): .liftApproved
        case (.lift, false): .liftRejected
        }
    }

    public var title: (id: String, en: String) {
        switch self {
        case .blockProposed: ("Pemblokiran diusulkan", "Block proposed")
        case .blockApproved: ("Pemblokiran disetujui", "Block approved")
        case .blockRejected: ("Pemblokiran ditolak", "Block rejected")
        case .blockWithdrawn: ("Usulan ditarik", "Proposal withdrawn")
        case .blockScheduled: ("Pemblokiran dijadwalkan", "Block scheduled")
        case .blockActivated: ("Pemblokiran berlaku", "Block in effect")
        case .blockLifted: ("Pemblokiran dicabut", "Block lifted")
        case .liftProposed: ("Normalisasi diusulkan", "Lift proposed")
        case .liftApproved: ("Normalisasi disetujui", "Lift approved")
        case .liftRejected: ("Normalisasi ditolak", "Lift rejected")
        case .allowAdded: ("Masuk daftar izin", "Added to the allow-list")
        case .allowRemoved: ("Dihapus dari daftar izin", "Removed from the allow-list")
        case .blocklistImported: ("Daftar diimpor", "List imported")
        }
    }
}
