import FluentKit
import Foundation
import PantauCore
import SQLKit

/// Where a platform's orders go and who answers them: its webhook, its
/// liaison, its deadline overrides. The CLI (`pantau platform …`) and the
/// admin screen both change them here, with the same audit events.
struct PlatformSettings: Sendable {
    let database: PantauDatabase
    let clock: any PantauClock
    let outboundAllowInternal: Bool

    /// A refusal, in both languages, about one field.
    struct Problem: Error, Sendable {
        let field: String
        let id: String
        let en: String
    }

    static func platform(_ text: String) -> Platform? {
        guard let p = Platform(rawValue: text.lowercased()), p != .web else { return nil }
        return p
    }

    /// Sets the webhook URL and its signing secret; orders that waited for a
    /// hand-sent e-mail go by webhook from now on.
    func setWebhook(_ platform: Platform, url: String, secret: String, actor: String) async throws {
        let address = url.trimmingCharacters(in: .whitespaces)
        if case .failure(let refusal) = OutboundPolicy.check(url: address, allowInternal: outboundAllowInternal) {
            throw Problem(field: "webhook_url", id: "Alamat webhook: " + refusal.message.id, en: "The webhook address: " + refusal.message.en)
        }
        guard secret.count >= 16 else {
            throw Problem(field: "webhook_secret", id: "Rahasia penanda tangan paling sedikit 16 karakter.", en: "The signing secret has at least 16 characters.")
        }
        let now = clock.now()
        try await database.db.transaction { tx in
            try await PlatformDeliveryModel.query(on: tx).filter(\.$id == platform.rawValue)
                .set(\.$webhookURL, to: address).set(\.$webhookSecret, to: secret).update()
            try await AccountService.audit("platform_webhook_set", actor: actor, target: "platform:" + platform.rawValue,
                                           payload: ["url": address], at: now, on: tx)
            try await OutboxModel.query(on: tx).filter(\.$platformID == platform.rawValue).filter(\.$status == OutboxStatus.manual.rawValue)
                .filter(\.$campaignPostID == nil).set(\.$status, to: OutboxStatus.pending.rawValue).set(\.$nextAttemptAt, to: now).update()
        }
    }

    /// Sets the liaison: the person orders are addressed to, and the e-mail used without a webhook.
    func setLiaison(_ platform: Platform, name: String, email: String, actor: String) async throws {
        let address = email.trimmingCharacters(in: .whitespaces).lowercased()
        let person = name.trimmingCharacters(in: .whitespaces)
        guard !person.isEmpty, person.count <= 200 else {
            throw Problem(field: "liaison_name", id: "Nama penghubung 1–200 karakter.", en: "The liaison's name has 1–200 characters.")
        }
        guard ReportValidator.isPlausibleEmail(address) else {
            throw Problem(field: "liaison_email", id: "'\(email)' bukan alamat surel.", en: "'\(email)' is not an e-mail address.")
        }
        try await database.db.transaction { tx in
            try await PlatformDeliveryModel.query(on: tx).filter(\.$id == platform.rawValue)
                .set(\.$liaisonName, to: person).set(\.$liaisonEmail, to: address).update()
            try await AccountService.audit("platform_liaison_set", actor: actor, target: "platform:" + platform.rawValue,
                                           payload: ["name": person, "email": address], at: clock.now(), on: tx)
        }
    }

    /// Overrides the hours a platform has for one category (nil: back to the default).
    func setDeadline(_ platform: Platform, category: String, hours: Int?, actor: String) async throws {
        guard try await CategoryModel.find(category, on: database.db) != nil else {
            throw Problem(field: "category", id: "Kategori '\(category)' tidak dikenal.", en: "Unknown category '\(category)'.")
        }
        if let hours, !(1...720).contains(hours) {
            throw Problem(field: "hours", id: "Tenggat 1 sampai 720 jam.", en: "The deadline is 1 to 720 hours.")
        }
        let id = platform.rawValue + ":" + category
        try await database.db.transaction { tx in
            try await PlatformDeadlineModel.query(on: tx).filter(\.$id == id).delete()
            if let hours {
                let row = PlatformDeadlineModel()
                row.id = id
                row.platformID = platform.rawValue
                row.categoryID = category
                row.hours = hours
                try await row.create(on: tx)
            }
            try await AccountService.audit("platform_deadline_set", actor: actor, target: "platform:" + platform.rawValue,
                                           payload: ["category": category, "hours": hours.map(String.init) ?? "default"], at: clock.now(), on: tx)
        }
    }
}

/// Who signs the printed letters (orders and sanctions): chosen by an admin,
/// kept in `settings`, audited.
struct LetterSignatory: Sendable, Equatable {
    var name = ""
    var position = ""
    var place = ""

    var isSet: Bool { !name.isEmpty && !position.isEmpty && !place.isEmpty }

    static let key = "letter_signatory"

    static func load(_ database: PantauDatabase) async throws -> LetterSignatory {
        guard let row = try await database.sql.raw("SELECT value FROM settings WHERE key = \(bind: key)").first(),
              let text = try? row.decode(column: "value", as: String.self),
              let fields = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else { return LetterSignatory() }
        return LetterSignatory(name: fields["name"] ?? "", position: fields["position"] ?? "", place: fields["place"] ?? "")
    }

    /// Every problem with the form, by field.
    func problems() -> [(field: String, id: String, en: String)] {
        var found: [(String, String, String)] = []
        for (field, value, id, en) in [("name", name, "Nama", "The name"), ("position", position, "Jabatan", "The position"), ("place", place, "Tempat", "The place")] {
            if value.isEmpty { found.append((field, "\(id) wajib diisi.", "\(en) is required.")) }
            else if value.count > 200 { found.append((field, "\(id) paling panjang 200 karakter.", "\(en) is at most 200 characters.")) }
        }
        return found
    }

    func save(_ database: PantauDatabase, actor: String, at now: Date) async throws {
        var object = JSONObjectText()
        object.add("name", name)
        object.add("place", place)
        object.add("position", position)
        let value = object.finished
        try await database.db.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.raw("DELETE FROM settings WHERE key = \(bind: Self.key)").run()
            try await sql.raw("INSERT INTO settings (key, value, updated_by, updated_at) VALUES (\(bind: Self.key), \(bind: value), \(bind: actor), \(bind: now))").run()
            try await AccountService.audit("letter_signatory_set", actor: actor, target: "settings:" + Self.key,
                                           payload: ["name": name, "position": position, "place": place], at: now, on: tx)
        }
    }
}
