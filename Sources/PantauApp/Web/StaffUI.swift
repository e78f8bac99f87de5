import Foundation
import PantauCore
import Plot

/// Small pieces shared by the staff pages.
enum StaffUI {
    static func csrfField(_ identity: Identity) -> Node<HTML.FormContext> {
        guard case .session(_, let token) = identity.credential else { return .empty }
        return .input(.type(.hidden), .name(CSRFProtection.fieldName), .value(token))
    }

    /// "in 3 h" / "2 h overdue" next to a deadline.
    static func deadlineBadge(_ due: Date, active: Bool, now: Date, _ l: Language) -> Node<HTML.BodyContext> {
        guard active else { return .span(.class("badge"), .text(l.minute(due))) }
        let seconds = due.timeIntervalSince(now)
        let hours = Int((abs(seconds) / 3600).rounded(.up))
        if seconds < 0 {
            return .span(.class("badge overdue"), .text(l.t("lewat \(hours) jam", "\(hours) h overdue")))
        }
        let soon = seconds < QueueFilter.DeadlineState.soonWindow
        return .span(.class(soon ? "badge soon" : "badge"), .title(l.minute(due)), .text(l.t("sisa \(hours) jam", "\(hours) h left")))
    }

    /// A radio button or check box inside its label.
    static func option(_ type: HTMLInputType, _ name: String, _ value: String, checked: Bool, _ text: String) -> Node<HTML.FormContext> {
        let input: Node<HTML.LabelContext> = .input(.type(type), .name(name), .value(value), .id(name + "-" + value), .checked(checked))
        let label: Node<HTML.LabelContext> = .text(" " + text)
        return .label(input, label)
    }

    static func status(_ status: CaseStatus, _ l: Language) -> String { l.t(status.label.id, status.label.en) }

    static func field(_ id: String, _ label: String, _ control: Node<HTML.FormContext>, error: String? = nil) -> Node<HTML.FormContext> {
        .div(.class(error == nil ? "field" : "field invalid"),
             .label(.for(id), .text(label)),
             .unwrap(error) { .p(.class("error"), .id(id + "-error"), .text($0)) },
             control)
    }

    /// A platform's name for people ("TikTok", "X (Twitter)").
    static func platformName(_ id: String) -> String { Platform(rawValue: id)?.displayName ?? id }

    /// A platform's name in the page's language ("Situs web" / "Website").
    static func platformName(_ id: String, _ l: Language) -> String { Platform(rawValue: id)?.name(english: l == .en) ?? id }

    /// A subject as people read it ("Akun TikTok @judi.slot.gacor88").
    static func subjectTitle(_ key: String, _ l: Language) -> String { Subject.title(ofKey: key, english: l == .en) }

    /// The raw subject key, small, for staff who need to copy it (search, API, CLI).
    static func subjectKey(_ key: String) -> Node<HTML.BodyContext> {
        .code(.class("key"), .attribute(named: "title", value: "Kunci subjek / subject key"), .text(key))
    }

    /// Label–value rows as a description list.
    static func dl(_ rows: [(String, Node<HTML.BodyContext>)]) -> Node<HTML.BodyContext> {
        .element(named: "dl", nodes: [.class("status")] + rows.flatMap { label, value -> [Node<HTML.BodyContext>] in
            [.element(named: "dt", text: label), .element(named: "dd", nodes: [value])]
        })
    }
}
