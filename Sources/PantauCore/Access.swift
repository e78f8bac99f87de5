/// Who may do what: the single source of truth for permissions. Every route
/// names the `StaffAction` it performs (or is public), and the route × role
/// test checks each route against this table.

/// A staff role (PRODUCT.md, "Who uses it"). Raw values are stored and shown.
public enum Role: String, CaseIterable, Codable, Sendable {
    case admin, supervisor, analyst, triage, comms, platform, isp

    /// A platform account acts for one platform only.
    public var needsPlatform: Bool { self == .platform }

    public var label: (id: String, en: String) {
        switch self {
        case .admin: ("Admin", "Admin")
        case .supervisor: ("Supervisor", "Supervisor")
        case .analyst: ("Analis", "Analyst")
        case .triage: ("Verifikator", "Triage")
        case .comms: ("Humas", "Comms officer")
        case .platform: ("Penghubung platform", "Platform liaison")
        case .isp: ("ISP / operator DNS", "ISP / DNS operator")
        }
    }
}

/// Something a signed-in account does. Raw values appear in audit events.
public enum StaffAction: String, CaseIterable, Sendable {
    /// The staff start page and one's own account (password change, sign-out).
    case useOwnAccount = "use_own_account"
    /// Who is signed in, for API clients (`GET /api/v1/me`).
    case viewOwnIdentity = "view_own_identity"
    /// Users, roles, API tokens of others.
    case manageUsers = "manage_users"
    /// The audit log (sign-ins, failures, permission changes, contact views).
    case viewAuditLog = "view_audit_log"
    /// The triage queue and case pages.
    case viewCases = "view_cases"
    /// Claim, assign, bulk actions in the queue.
    case triageCases = "triage_cases"
    /// Decide a case (verdict, legal basis, statement of reasons).
    case decideCases = "decide_cases"
    /// Approve or reject a decision that needs four eyes.
    case approveDecisions = "approve_decisions"
    /// See a reporter's contact details (each view is audited).
    case viewReporterContact = "view_reporter_contact"
    /// Internal comments on cases.
    case commentOnCases = "comment_on_cases"
    /// The legal-basis table decisions cite (add, edit, retire entries).
    case manageLegalBases = "manage_legal_bases"
    /// Submit mentions of the official account (platform connectors; a
    /// platform account only for its own platform).
    case submitMentions = "submit_mentions"
    /// Send public posts for monitoring (platform connectors; a platform
    /// account only for its own platform).
    case submitPosts = "submit_posts"
    /// Takedown orders, their letters, delivery attempts, compliance figures
    /// and sanctions (staff side).
    case viewOrders = "view_orders"
    /// Record that an order waiting for a hand-sent e-mail was sent.
    case sendOrdersManually = "send_orders_manually"
    /// Mark a complied order item "still online" after a re-check.
    case recheckOrderItems = "recheck_order_items"
    /// Propose the next step of a platform's sanctions ladder.
    case proposeSanctions = "propose_sanctions"
    /// Issue or reject a proposed sanction (four eyes).
    case approveSanctions = "approve_sanctions"
    /// Propose blocks and normalisations (lifts) of domains, apps and IPs.
    case proposeBlocks = "propose_blocks"
    /// Approve or reject block and lift proposals (four eyes).
    case approveBlocks = "approve_blocks"
    /// The allow-list (names never blocked).
    case manageAllowList = "manage_allow_list"
    /// Download the blocklist when it is not public (`PANTAU_BLOCKLIST_ACCESS=token`).
    case downloadBlocklist = "download_blocklist"
    /// A platform's own orders: read, acknowledge, answer (API and portal;
    /// bound to the account's platform).
    case answerOrders = "answer_orders"
    /// The regulator's official accounts and their figures (comms).
    case manageOfficialAccounts = "manage_official_accounts"
    /// Schedule, cancel and follow campaigns on every official account (comms).
    case runCampaigns = "run_campaigns"
    /// The inbox of mentions that are not reports, and the replies (comms).
    case answerMentions = "answer_mentions"
    /// Watchlists of the monitoring: add, change, switch off, delete.
    case manageWatchlists = "manage_watchlists"
    /// Monitoring's feeds: add, change (address, token, interval), switch off, delete.
    case manageMonitorSources = "manage_monitor_sources"
    /// Label the posts of monitoring's weekly samples (violating or not, and the category).
    case labelSamples = "label_samples"

    /// What the permission allows, for people (the raw value stays in audit events).
    public var label: (id: String, en: String) {
        switch self {
        case .useOwnAccount: ("Memakai akun sendiri (kata sandi, keluar)", "Use one's own account (password, sign-out)")
        case .viewOwnIdentity: ("Melihat identitas sendiri lewat API", "See one's own identity through the API")
        case .manageUsers: ("Mengelola pengguna, peran dan token API", "Manage users, roles and API tokens")
        case .viewAuditLog: ("Membaca log audit", "Read the audit log")
        case .viewCases: ("Melihat antrean dan halaman kasus", "See the queue and case pages")
        case .triageCases: ("Mengambil, menugaskan dan memilah kasus", "Claim, assign and sort cases")
        case .decideCases: ("Memutus kasus", "Decide cases")
        case .approveDecisions: ("Menyetujui putusan (empat mata)", "Approve decisions (four eyes)")
        case .viewReporterContact: ("Melihat kontak pelapor (tercatat di log audit)", "See a reporter's contact (recorded in the audit log)")
        case .commentOnCases: ("Menulis catatan internal pada kasus", "Write internal notes on cases")
        case .manageLegalBases: ("Mengelola daftar dasar hukum", "Manage the legal bases")
        case .submitMentions: ("Mengirim sebutan akun resmi (konektor platform)", "Send mentions of the official account (platform connectors)")
        case .submitPosts: ("Mengirim unggahan publik untuk dipantau (konektor platform)", "Send public posts for monitoring (platform connectors)")
        case .viewOrders: ("Melihat perintah takedown, kepatuhan dan sanksi", "See takedown orders, compliance and sanctions")
        case .sendOrdersManually: ("Mencatat perintah yang dikirim manual", "Record orders sent by hand")
        case .recheckOrderItems: ("Menandai konten yang masih daring setelah dicek ulang", "Mark content still online after a re-check")
        case .proposeSanctions: ("Mengusulkan sanksi", "Propose sanctions")
        case .approveSanctions: ("Menyetujui sanksi (empat mata)", "Approve sanctions (four eyes)")
        case .proposeBlocks: ("Mengusulkan pemblokiran dan normalisasi", "Propose blocks and lifts")
        case .approveBlocks: ("Menyetujui pemblokiran dan normalisasi (empat mata)", "Approve blocks and lifts (four eyes)")
        case .manageAllowList: ("Mengelola daftar izin", "Manage the allow-list")
        case .downloadBlocklist: ("Mengunduh daftar blokir", "Download the blocklist")
        case .answerOrders: ("Menjawab perintah untuk platformnya sendiri", "Answer orders for one's own platform")
        case .manageOfficialAccounts: ("Mengelola akun resmi dan angkanya", "Manage the official accounts and their figures")
        case .runCampaigns: ("Menjalankan kampanye di semua akun resmi", "Run campaigns on every official account")
        case .answerMentions: ("Menjawab sebutan di kotak masuk", "Answer mentions in the inbox")
        case .manageWatchlists: ("Mengelola daftar pantau", "Manage the watchlists")
        case .manageMonitorSources: ("Mengelola sumber pemantauan (feed platform)", "Manage monitoring's sources (platform feeds)")
        case .labelSamples: ("Melabeli sampel mingguan unggahan (prevalensi)", "Label the weekly samples of posts (prevalence)")
        }
    }
}

public enum PermissionTable {
    /// Role × action. Absent = denied.
    public static let allowed: [StaffAction: Set<Role>] = [
        .useOwnAccount: Set(Role.allCases),
        .viewOwnIdentity: Set(Role.allCases),
        .manageUsers: [.admin],
        .viewAuditLog: [.admin, .supervisor],
        .viewCases: [.admin, .supervisor, .analyst, .triage],
        .triageCases: [.supervisor, .analyst, .triage],
        .decideCases: [.supervisor, .analyst],
        .approveDecisions: [.supervisor],
        .viewReporterContact: [.supervisor, .analyst],
        .commentOnCases: [.supervisor, .analyst, .triage],
        .manageLegalBases: [.admin],
        .submitMentions: [.admin, .platform],
        .submitPosts: [.admin, .platform],
        .viewOrders: [.admin, .supervisor, .analyst, .triage],
        .sendOrdersManually: [.supervisor, .analyst],
        .recheckOrderItems: [.supervisor, .analyst],
        .proposeSanctions: [.supervisor, .analyst],
        .approveSanctions: [.supervisor],
        .answerOrders: [.platform],
        .proposeBlocks: [.supervisor, .analyst],
        .approveBlocks: [.supervisor],
        .manageAllowList: [.admin, .supervisor],
        .downloadBlocklist: [.admin, .supervisor, .analyst, .isp],
        .manageOfficialAccounts: [.admin, .comms],
        .runCampaigns: [.admin, .comms],
        .answerMentions: [.admin, .comms],
        .manageWatchlists: [.admin, .supervisor, .analyst],
        .manageMonitorSources: [.admin],
        .labelSamples: [.supervisor, .analyst],
    ]

    public static func allows(_ role: Role, _ action: StaffAction) -> Bool {
        allowed[action]?.contains(role) ?? false
    }

    /// A platform account acts for the platform it is bound to only; other
    /// roles the table allows are not bound to a platform.
    public static func mayActFor(_ platform: Platform, role: Role, boundTo bound: Platform?) -> Bool {
        role != .platform || bound == platform
    }
}

/// What a route requires.
public enum RouteAccess: Sendable, Equatable, CustomStringConvertible {
    /// Anyone, signed in or not.
    case everyone
    /// A signed-in account whose role allows the action.
    case staff(StaffAction)

    public func allows(_ role: Role?) -> Bool {
        switch self {
        case .everyone: true
        case .staff(let action): role.map { PermissionTable.allows($0, action) } ?? false
        }
    }

    public var description: String {
        switch self {
        case .everyone: "everyone"
        case .staff(let action): action.rawValue
        }
    }
}

/// Sign-in throttling. Every attempt is counted *before* the password is
/// checked (so parallel guesses cannot all slip past a count read too early),
/// in fixed windows, in three scopes: one account from one address (the
/// ordinary limit: someone else's guessing does not lock the owner out from
/// their own address), one address whatever the account (spraying), and one
/// account whatever the address (the backstop against guessing from many
/// addresses). A successful sign-in takes its own attempt back, so only
/// failures add up.
public struct LoginThrottlePolicy: Sendable {
    public enum Scope: String, CaseIterable, Sendable {
        case accountFromAddress = "pair"
        case address
        case account
    }

    public var window: Double = 15 * 60
    public var limits: [Scope: Int] = [.accountFromAddress: 10, .address: 50, .account: 100]

    public init() {}

    /// The counter a scope keeps for this attempt.
    public static func key(_ scope: Scope, email: String, address: String) -> String {
        switch scope {
        case .accountFromAddress: "pair:" + email + " " + address
        case .address: "address:" + address
        case .account: "account:" + email
        }
    }

    /// A counter after one more attempt: a window that has run out starts
    /// again at this attempt.
    public func afterAttempt(count: Int, windowStart: Double, now: Double) -> (count: Int, windowStart: Double) {
        windowStart <= now - window ? (1, now) : (count + 1, windowStart)
    }

    /// Seconds to wait, or nil when the attempt may go on. `attempts` counts
    /// this one too; the window started at `windowStart`.
    public func retryAfter(_ scope: Scope, attempts: Int, windowStart: Double, now: Double) -> Double? {
        guard attempts > limits[scope] ?? .max else { return nil }
        return max(1, windowStart + window - now)
    }
}

/// Password rules for accounts (NIST SP 800-63B style: length, not
/// composition).
public enum PasswordPolicy {
    public static let minimumLength = 12
    /// Bcrypt reads at most 72 bytes; longer passwords would be cut silently.
    public static let maximumLength = 72

    /// An error message (Indonesian, English), or nil when acceptable.
    public static func problem(with password: String, email: String) -> (id: String, en: String)? {
        if password.count < minimumLength {
            return ("Kata sandi minimal \(minimumLength) karakter.", "The password needs at least \(minimumLength) characters.")
        }
        if password.utf8.count > maximumLength {
            return ("Kata sandi maksimal \(maximumLength) bita.", "The password may have at most \(maximumLength) bytes.")
        }
        if password.lowercased() == email.lowercased() {
            return ("Kata sandi tidak boleh sama dengan alamat e-mail.", "The password must not be the e-mail address.")
        }
        if isGuessable(password, email: email) {
            return ("Kata sandi ini mudah ditebak (kata sandi yang umum dipakai, nama dari alamat e-mail, atau karakter yang berulang atau berurutan). Pakailah beberapa kata acak.",
                    "This password is easy to guess (a common password, the name in the e-mail address, or repeated or sequential characters). Use a few random words.")
        }
        return nil
    }

    /// The passwords guessers try first (zxcvbn's list of the 30,000 most
    /// common, plus Indonesian favourites), lower case.
    static let commonPasswords: Set<Substring> = Set(CommonPasswordsData.list.split(separator: "\n"))

    /// True for a password that a guesser reaches early whatever its length:
    /// one from the common list, or a common one decorated with capitals,
    /// look-alike digits (`p@ssw0rd`) and digits or symbols before or after
    /// it (`Password1234`, `!!qwerty2026`), a word repeated (`qwertyqwerty`),
    /// few distinct characters (`aaaaaaaaaaaa`), a straight run
    /// (`abcdefghijkl`, `987654321098`), or the name of the e-mail address.
    public static func isGuessable(_ password: String, email: String) -> Bool {
        let lower = password.lowercased()
        if Set(lower).count < 5 || isStraightRun(lower) { return true }
        let core = lower.trimmingNonLetters()
        let localPart = email.lowercased().split(separator: "@").first.map(String.init)?.trimmingNonLetters() ?? ""
        for candidate in [lower, core, core.withoutLookAlikes(), lower.withoutLookAlikes().trimmingNonLetters()] where !candidate.isEmpty {
            let unit = candidate.repeatedUnit
            if commonPasswords.contains(Substring(candidate)) || commonPasswords.contains(Substring(unit)) { return true }
            if !localPart.isEmpty && (candidate == localPart || unit == localPart) { return true }
        }
        return false
    }

    /// Each character one after (or one before) the previous one, digits
    /// wrapping 9 → 0, as on a keyboard's number row.
    static func isStraightRun(_ text: String) -> Bool {
        let values = text.unicodeScalars.map { Int($0.value) }
        guard values.count > 2 else { return false }
        func step(_ a: Int, _ b: Int, _ direction: Int) -> Bool {
            if b - a == direction { return true }
            let zero = Int(UInt8(ascii: "0")), nine = Int(UInt8(ascii: "9"))
            return direction == 1 ? (a == nine && b == zero) : (a == zero && b == nine)
        }
        return [1, -1].contains { direction in zip(values, values.dropFirst()).allSatisfy { step($0, $1, direction) } }
    }

    /// A random password for one-time use: 20 characters from an alphabet
    /// without look-alikes (≈ 110 bits).
    public static func generate(using generator: inout some RandomNumberGenerator) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    public static func generate() -> String {
        var random = SecureRandom()
        return generate(using: &random)
    }
}

/// Where a sign-in may send people back to: only a path on this site. A
/// value is taken as it is or not at all (never repaired), and only when
/// every character is one a URL path, query or fragment may hold as is, so
/// nothing a browser strips or reinterprets (tabs, newlines, backslashes,
/// spaces) can turn `/\t/evil.example` into `//evil.example`.
public enum SameSitePath {
    public static let maximumLength = 2_000

    public static func accept(_ candidate: String) -> String? {
        let bytes = Array(candidate.utf8)
        guard bytes.count >= 1, bytes.count <= maximumLength, bytes[0] == UInt8(ascii: "/") else { return nil }
        // "//host" and "/\host" name another site; so would their encoded forms once decoded by a lenient proxy.
        if bytes.count >= 2, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return nil }
        guard bytes.allSatisfy(isAllowed) else { return nil }
        let lowered = candidate.lowercased()
        if lowered.hasPrefix("/%2f") || lowered.hasPrefix("/%5c") { return nil }
        return candidate
    }

    /// RFC 3986 unreserved and sub-delimiters, `:@/?#` and `%` (escapes).
    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "-._~!$&'()*+,;=:@/?#%".utf8.contains(byte)
        }
    }
}

extension String {
    /// Without the digits, punctuation and spaces around its letters.
    fileprivate func trimmingNonLetters() -> String {
        guard let first = firstIndex(where: \.isLetter), let last = lastIndex(where: \.isLetter) else { return "" }
        return String(self[first...last])
    }

    /// Look-alike digits and symbols read as the letters they stand for.
    fileprivate func withoutLookAlikes() -> String {
        let letters: [Character: Character] = ["0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                                               "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l", "+": "t"]
        return String(map { letters[$0] ?? $0 })
    }

    /// The shortest piece this text repeats (`qwerty` for `qwertyqwerty`),
    /// or the text itself.
    fileprivate var repeatedUnit: String {
        let characters = Array(self)
        for length in 1...max(1, characters.count / 2) where characters.count % length == 0 {
            let unit = characters[0..<length]
            if stride(from: length, to: characters.count, by: length).allSatisfy({ characters[$0..<$0 + length] == unit }) {
                return String(unit)
            }
        }
        return self
    }
}
