import Foundation
import PantauCore
import Plot

/// What a person typed into a form and what was wrong with it. A refused form
/// is drawn again from this: every value kept, every message beside its
/// field, all of them at once, and each invalid control marked for screen
/// readers (`aria-invalid`, `aria-describedby`).
struct FormState: Sendable {
    /// The last value typed into each field.
    var values: [String: String] = [:]
    /// Every value of a field that repeats (check boxes, multiple selects).
    var lists: [String: [String]] = [:]
    /// Messages by field, in the page's language.
    private(set) var errors: [String: String] = [:]
    /// Fields in the order their errors were found (for the summary at the top).
    private(set) var errorOrder: [String] = []

    init() {}

    init(_ form: ParsedForm) {
        values = form.fields
        values[CSRFProtection.fieldName] = nil
        for (name, value) in form.pairs where name != CSRFProtection.fieldName { lists[name, default: []].append(value) }
    }

    subscript(_ name: String) -> String { values[name] ?? "" }

    /// The value without surrounding spaces; nil when empty.
    func text(_ name: String) -> String? {
        let value = self[name].trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    var isValid: Bool { errors.isEmpty }

    func error(_ field: String) -> String? { errors[field] }

    /// Records a problem with `field`; the first message for a field wins.
    mutating func fail(_ field: String, _ message: String) {
        guard errors[field] == nil else { return }
        errors[field] = message
        errorOrder.append(field)
    }

    /// Every problem, in the order found.
    var problems: [(field: String, message: String)] { errorOrder.map { ($0, errors[$0]!) } }

    /// A whole number typed the way people write it ("1.350.000").
    mutating func wholeNumber(_ name: String, required: Bool, _ l: Language, label: String) -> Int64? {
        guard let text = text(name) else {
            if required { fail(name, l.t("\(label) wajib diisi.", "\(label) is required.")) }
            return nil
        }
        guard let value = TypedInput.wholeNumber(text), value >= 0 else {
            fail(name, l.t("\(label) harus bilangan bulat, mis. 1.350.000.", "\(label) must be a whole number, e.g. 1,350,000."))
            return nil
        }
        return value
    }

    /// A minute in WIB typed the way people write it; nil (and no error) when empty.
    mutating func minute(_ name: String, _ l: Language, label: String) -> Date? {
        guard let text = text(name) else { return nil }
        guard let value = TypedInput.minute(text) else {
            fail(name, l.t("\(label) tidak terbaca. Tulis mis. 5 Desember 2026 09.00 atau 2026-12-05 09:00 (WIB).",
                           "\(label) could not be read. Write e.g. 5 December 2026 09.00 or 2026-12-05 09:00 (WIB)."))
            return nil
        }
        return value
    }

    /// A day typed the way people write it (or sent by a date picker); nil (and no error) when empty.
    mutating func day(_ name: String, _ l: Language, label: String) -> Date? {
        guard let text = text(name) else { return nil }
        guard let value = TypedInput.day(text) else {
            fail(name, l.t("\(label) tidak terbaca. Tulis mis. 2026-12-05 atau 5 Desember 2026.",
                           "\(label) could not be read. Write e.g. 2026-12-05 or 5 December 2026."))
            return nil
        }
        return value
    }
}

/// Form controls drawn from a `FormState`: the same markup on every staff,
/// comms and public form.
enum FormUI {
    /// On a form the server checks in full: every problem is shown at once,
    /// beside its field (a browser's own check stops at the first).
    static var serverChecked: Node<HTML.FormContext> { .attribute(named: "novalidate", value: nil, ignoreIfValueIsEmpty: false) }

    /// "Periksa isian yang ditandai": a list of every problem at the top, each a link to its field.
    static func summary(_ state: FormState, _ l: Language) -> Node<HTML.BodyContext> {
        guard !state.isValid else { return .empty }
        return .div(.class("card error-summary"), .attribute(named: "role", value: "alert"), .id("form-errors"),
                    .p(.class("error"), .text(l.t("Periksa isian yang ditandai di bawah:", "Please check the fields marked below:"))),
                    .ul(.forEach(state.problems) { problem in .li(.a(.href("#" + problem.field), .text(problem.message))) }))
    }

    /// A labelled field: label, hint, its error (if any), then the control.
    static func field(_ name: String, _ label: String, hint: String? = nil, _ state: FormState, _ control: Node<HTML.FormContext>) -> Node<HTML.FormContext> {
        let error = state.error(name)
        return .div(.class(error == nil ? "field" : "field invalid"),
                    .label(.for(name), .text(label)),
                    .unwrap(hint) { .p(.class("hint"), .id(name + "-hint"), .text($0)) },
                    .unwrap(error) { .p(.class("error"), .id(name + "-error"), .text($0)) },
                    control)
    }

    /// `aria-invalid` and `aria-describedby` for a control, from the state (as content of a select or text area).
    static func aria<C>(_ name: String, hint: Bool = false, _ state: FormState) -> Node<C> {
        .group(.attribute(named: "aria-invalid", value: state.error(name) != nil ? "true" : nil),
               .attribute(named: "aria-describedby", value: describedBy(name, hint: hint, state)))
    }

    /// `aria-invalid` for an `<input>`.
    static func invalid(_ name: String, _ state: FormState) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-invalid", value: state.error(name) != nil ? "true" : nil)
    }

    /// `aria-describedby` for an `<input>`: its hint and its error.
    static func described(_ name: String, hint: Bool = false, _ state: FormState) -> Attribute<HTML.InputContext> {
        .attribute(named: "aria-describedby", value: describedBy(name, hint: hint, state))
    }

    private static func describedBy(_ name: String, hint: Bool, _ state: FormState) -> String? {
        let ids = [hint ? name + "-hint" : nil, state.error(name) != nil ? name + "-error" : nil].compactMap { $0 }
        return ids.isEmpty ? nil : ids.joined(separator: " ")
    }

    /// A one-line text input (`type` text, url, email, date, datetime-local, …).
    static func input(_ name: String, _ label: String, hint: String? = nil, type: String = "text", _ state: FormState,
                      placeholder: String? = nil, required: Bool = false, inputMode: String? = nil) -> Node<HTML.FormContext> {
        let control: Node<HTML.FormContext> = .input(
            .attribute(named: "type", value: type), .name(name), .id(name), .value(state[name]),
            .attribute(named: "placeholder", value: placeholder), .attribute(named: "inputmode", value: inputMode),
            .attribute(named: "required", value: required ? "required" : nil),
            invalid(name, state), described(name, hint: hint != nil, state))
        return field(name, label, hint: hint, state, control)
    }

    static func textarea(_ name: String, _ label: String, hint: String? = nil, _ state: FormState, maxLength: Int? = nil) -> Node<HTML.FormContext> {
        let control: Node<HTML.FormContext> = .textarea(
            .attribute(named: "name", value: name), .id(name), .unwrap(maxLength) { .attribute(named: "maxlength", value: String($0)) },
            aria(name, hint: hint != nil, state), .text(state[name]))
        return field(name, label, hint: hint, state, control)
    }

    /// A select of (value, text) choices with the typed value selected.
    static func select(_ name: String, _ label: String, hint: String? = nil, _ state: FormState, _ choices: [(value: String, text: String)]) -> Node<HTML.FormContext> {
        let current = state[name]
        let control: Node<HTML.FormContext> = .select(
            .attribute(named: "name", value: name), .id(name), aria(name, hint: hint != nil, state),
            .forEach(choices) { choice in .choice(choice.value, choice.text, selected: choice.value == current) })
        return field(name, label, hint: hint, state, control)
    }
}

extension Language {
    /// A whole number grouped the way this language writes it ("1.500.000" / "1,500,000").
    func number(_ value: Int) -> String { HumanFormat.number(value, english: self == .en) }
    func number(_ value: Int64) -> String { HumanFormat.number(value, english: self == .en) }
    /// A minute in WIB, "5 Des 2026 22.47 WIB".
    func minute(_ date: Date) -> String { HumanFormat.minute(date, english: self == .en) }
    /// A day, "5 Des 2026".
    func day(_ date: Date) -> String { HumanFormat.day(date, english: self == .en) }
}
