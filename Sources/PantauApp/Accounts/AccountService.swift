import Crypto
import FluentKit
import Foundation
import HummingbirdBcrypt
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import PantauCore
import SQLKit

/// A signed-in account, as the request handlers see it.
struct Identity: Sendable {
    enum Credential: Sendable {
        /// A browser session: forms must echo its CSRF token.
        case session(id: String, csrfToken: String)
        /// An API token (`Authorization: Bearer`): no ambient credential, no CSRF.
        case token(name: String)
    }

    let userID: UUID
    let email: String
    let displayName: String
    let role: Role
    let platform: Platform?
    let mustChangePassword: Bool
    let credential: Credential

    var actor: String { "user:\(email)" }

    func may(_ action: StaffAction) -> Bool { PermissionTable.allows(role, action) }
}

struct AccountError: Error, CustomStringConvertible {
    /// English, as the CLI prints it.
    let message: String
    /// The same in Bahasa Indonesia, for the admin screens.
    let id: String
    /// The form field it is about, if any.
    let field: String?
    init(_ message: String, id: String? = nil, field: String? = nil) {
        self.message = message
        self.id = id ?? message
        self.field = field
    }
    var description: String { message }
}

/// Accounts, passwords, sessions, API tokens, sign-in throttling and the
/// audit log. Every change to an account and every sign-in (or failure) is
/// an audit event written in the same transaction.
struct AccountService: Sendable {
    static let sessionCookie = "pantau_session"
    static let tokenPrefix = "pnt_"

    let database: PantauDatabase
    let clock: any PantauClock
    let bcryptCost: UInt8
    let sessionLifetime: TimeInterval
    let sessionIdle: TimeInterval
    let throttle = LoginThrottlePolicy()
    /// A bcrypt hash (same cost) of a random string, compared against when no
    /// account matches (see `signIn`); made when first needed, not at start-up.
    private let decoyHash = NIOLockedValueBox<String?>(nil)

    init(database: PantauDatabase, clock: any PantauClock, configuration: AppConfiguration) {
        self.database = database
        self.clock = clock
        bcryptCost = UInt8(configuration.bcryptCost)
        sessionLifetime = TimeInterval(configuration.sessionLifetimeHours * 3600)
        sessionIdle = TimeInterval(configuration.sessionIdleMinutes * 60)
    }

    // MARK: Audit

    /// A page of the audit log, newest first (100 events), and where the next page starts.
    func auditEvents(before: UUID?, pageSize: Int = 100) async throws -> (events: [AuditEventRow], olderThan: UUID?) {
        var query = AuditEventModel.query(on: database.db).sort(\.$id, .descending).limit(pageSize + 1)
        if let before { query = query.filter(\.$id < before) }
        var events = try await query.all()
        let hasMore = events.count > pageSize
        if hasMore { events.removeLast() }
        return (events.map(AuditEventRow.init), hasMore ? events.last?.id : nil)
    }

    static func audit(_ kind: String, actor: String, target: String, address: String = "", payload: [String: String] = [:],
                      at date: Date, on db: any Database) async throws {
        let event = AuditEventModel()
        event.id = OrderedID.make(at: date)
        event.occurredAt = date
        event.actor = actor
        event.kind = kind
        event.target = target
        event.address = address
        event.payload = canonicalJSON(payload)
        try await event.create(on: db)
    }

    // MARK: Users

    /// Bcrypt is deliberately slow: it runs on the thread pool, not on the
    /// cooperative pool that serves requests.
    func hash(_ password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    private func decoy() async throws -> String {
        if let made = decoyHash.withLockedValue({ $0 }) { return made }
        let made = try await hash(Self.randomToken())
        decoyHash.withLockedValue { $0 = $0 ?? made }
        return made
    }

    static func normalisedEmail(_ email: String) throws -> String {
        let e = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard ReportValidator.isPlausibleEmail(e), e.count <= 254 else { throw AccountError("'\(email)' is not an e-mail address.", id: "'\(email)' bukan alamat surel.", field: "email") }
        return e
    }

    func user(email: String) async throws -> UserModel? {
        try await UserModel.query(on: database.db).filter(\.$email == Self.normalisedEmail(email)).first()
    }

    /// Creates an account. Without `password` a one-time password is
    /// generated (and must be changed at first sign-in); it is returned.
    func createUser(email rawEmail: String, displayName: String? = nil, role: Role, platform: Platform?, password: String?,
                    actor: String) async throws -> (user: UserModel, oneTimePassword: String?) {
        let email = try Self.normalisedEmail(rawEmail)
        if role.needsPlatform && platform == nil { throw AccountError("A platform account needs --platform (one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", "))).",
                                                                         id: "Akun penghubung platform perlu platformnya.", field: "platform") }
        if !role.needsPlatform && platform != nil { throw AccountError("Only accounts with role 'platform' are bound to a platform.",
                                                                          id: "Hanya akun penghubung platform yang terikat pada platform.", field: "platform") }
        if try await user(email: email) != nil { throw AccountError("An account with e-mail \(email) already exists.", id: "Sudah ada akun dengan surel \(email).", field: "email") }
        if let password, let problem = PasswordPolicy.problem(with: password, email: email) { throw AccountError(problem.en, id: problem.id, field: "password") }
        let oneTime = password == nil ? PasswordPolicy.generate() : nil
        let now = clock.now()
        let user = UserModel()
        user.id = OrderedID.make(at: now)
        user.email = email
        user.displayName = displayName ?? String(email.split(separator: "@")[0])
        user.role = role.rawValue
        user.platformID = platform?.rawValue
        user.passwordHash = try await hash(password ?? oneTime!)
        user.mustChangePassword = password == nil
        user.disabled = false
        user.createdAt = now
        user.updatedAt = now
        try await database.db.transaction { db in
            try await user.create(on: db)
            var payload = ["role": role.rawValue]
            if let platform { payload["platform"] = platform.rawValue }
            try await Self.audit("user_created", actor: actor, target: "user:\(email)", payload: payload, at: now, on: db)
        }
        return (user, oneTime)
    }

    /// Sets a new password (or a generated one-time password, returned) and
    /// ends the account's sessions.
    func resetPassword(email: String, password: String?, actor: String) async throws -> String? {
        guard let user = try await user(email: email), let id = user.id else { throw AccountError("No account has e-mail \(email).", id: "Tidak ada akun dengan surel \(email).", field: "email") }
        if let password, let problem = PasswordPolicy.problem(with: password, email: user.email) { throw AccountError(problem.en, id: problem.id, field: "password") }
        let oneTime = password == nil ? PasswordPolicy.generate() : nil
        let hashed = try await hash(password ?? oneTime!)
        let now = clock.now()
        try await database.db.transaction { db in
            user.passwordHash = hashed
            user.mustChangePassword = password == nil
            user.updatedAt = now
            try await user.save(on: db)
            try await SessionModel.query(on: db).filter(\.$userID == id).delete()
            try await Self.audit("password_reset", actor: actor, target: "user:\(user.email)", at: now, on: db)
        }
        return oneTime
    }

    /// Disables (or re-enables) an account; disabling ends its sessions and
    /// revokes its API tokens.
    func setDisabled(email: String, _ disabled: Bool, actor: String) async throws {
        guard let user = try await user(email: email), let id = user.id else { throw AccountError("No account has e-mail \(email).", id: "Tidak ada akun dengan surel \(email).", field: "email") }
        let now = clock.now()
        try await database.db.transaction { db in
            user.disabled = disabled
            user.updatedAt = now
            try await user.save(on: db)
            if disabled {
                try await SessionModel.query(on: db).filter(\.$userID == id).delete()
                try await APITokenModel.query(on: db).filter(\.$userID == id).filter(\.$revokedAt == nil).set(\.$revokedAt, to: now).update()
            }
            try await Self.audit(disabled ? "user_disabled" : "user_enabled", actor: actor, target: "user:\(user.email)", at: now, on: db)
        }
    }

    /// Changes an account's role (and the platform a liaison is bound to);
    /// its sessions end so the new role applies at the next sign-in.
    func setRole(email: String, role: Role, platform: Platform?, actor: String) async throws {
        guard let user = try await user(email: email), let id = user.id else {
            throw AccountError("No account has e-mail \(email).", id: "Tidak ada akun dengan surel \(email).", field: "email")
        }
        if role.needsPlatform && platform == nil {
            throw AccountError("A platform account needs its platform.", id: "Akun penghubung platform perlu platformnya.", field: "platform")
        }
        if !role.needsPlatform && platform != nil {
            throw AccountError("Only accounts with role 'platform' are bound to a platform.",
                               id: "Hanya akun penghubung platform yang terikat pada platform.", field: "platform")
        }
        let before = user.role + (user.platformID.map { ":" + $0 } ?? "")
        let now = clock.now()
        try await database.db.transaction { db in
            user.role = role.rawValue
            user.platformID = platform?.rawValue
            user.updatedAt = now
            try await user.save(on: db)
            try await SessionModel.query(on: db).filter(\.$userID == id).delete()
            var payload = ["from": before, "role": role.rawValue]
            if let platform { payload["platform"] = platform.rawValue }
            try await Self.audit("role_changed", actor: actor, target: "user:\(user.email)", payload: payload, at: now, on: db)
        }
    }

    /// On the first start of an empty database: an admin with a one-time
    /// password, returned so `serve` can print it once.
    func ensureInitialAdmin(email: String) async throws -> String? {
        guard try await UserModel.query(on: database.db).count() == 0 else { return nil }
        return try await createUser(email: email, displayName: "Admin", role: .admin, platform: nil, password: nil, actor: "system:first-start").oneTimePassword
    }

    // MARK: Sign-in and sessions

    enum SignInResult: Sendable {
        case signedIn(sessionToken: String, user: UserModel)
        case invalid
        case throttled(retryAfterSeconds: Int)
    }

    func signIn(email rawEmail: String, password: String, address: String) async throws -> SignInResult {
        let email = (try? Self.normalisedEmail(rawEmail)) ?? String(rawEmail.lowercased().prefix(254))
        let now = clock.now()
        // Counted before the password is checked: parallel guesses each see
        // the ones before them.
        let keys = LoginThrottlePolicy.Scope.allCases.map { ($0, LoginThrottlePolicy.key($0, email: email, address: address)) }
        let counters = try await countAttempt(keys.map(\.1), at: now)
        let waits = keys.compactMap { scope, key in
            counters[key].flatMap { throttle.retryAfter(scope, attempts: $0.count, windowStart: $0.windowStart, now: now.timeIntervalSince1970) }
        }
        if let wait = waits.max() {
            try await Self.audit("login_throttled", actor: "anonymous", target: "user:\(email)", address: address, at: now, on: database.db)
            return .throttled(retryAfterSeconds: Int(wait.rounded(.up)))
        }
        let user = try await UserModel.query(on: database.db).filter(\.$email == email).first()
        // Without an account, still spend the bcrypt time: the answer's timing
        // must not tell which e-mail addresses have accounts.
        let stored: String
        if let hash = user?.passwordHash { stored = hash } else { stored = try await decoy() }
        let matches = try await verify(password, hash: stored)
        guard let user, let userID = user.id, matches, !user.disabled else {
            let reason = user == nil ? "unknown_account" : (user!.disabled && matches ? "account_disabled" : "wrong_password")
            try await Self.audit("login_failed", actor: "anonymous", target: "user:\(email)", address: address,
                                 payload: ["reason": reason], at: now, on: database.db)
            return .invalid
        }
        let token = Self.randomToken()
        let session = SessionModel()
        session.id = Self.digest(token)
        session.userID = userID
        session.csrfToken = Self.randomToken()
        session.createdAt = now
        session.lastSeenAt = now
        session.expiresAt = now.addingTimeInterval(sessionLifetime)
        session.address = address
        let counterKeys = keys.map(\.1)
        try await database.writeTransaction { db in
            try await session.create(on: db)
            try await Self.audit("login", actor: "user:\(email)", target: "user:\(email)", address: address, at: now, on: db)
            // A success is not a failure: it takes its own attempt back.
            try await (db as! any SQLDatabase).raw("""
                UPDATE login_attempts SET "count" = "count" - 1 WHERE "key" IN (\(binds: counterKeys)) AND "count" > 0
                """).run()
        }
        return .signedIn(sessionToken: token, user: user)
    }

    /// Adds one attempt to each counter, atomically (one upsert each, in one
    /// write transaction), and returns each counter as it now stands.
    private func countAttempt(_ keys: [String], at now: Date) async throws -> [String: (count: Int, windowStart: Double)] {
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        let cutoffMillis = nowMillis - Int64(throttle.window * 1000)
        return try await database.writeTransaction { db in
            var counters: [String: (count: Int, windowStart: Double)] = [:]
            for key in keys {
                // The same rule as `LoginThrottlePolicy.afterAttempt`, in SQL so
                // that it happens in one step.
                let row = try await (db as! any SQLDatabase).raw("""
                    INSERT INTO login_attempts ("key", "count", window_start_ms) VALUES (\(bind: key), 1, \(bind: nowMillis))
                    ON CONFLICT ("key") DO UPDATE SET
                        "count" = CASE WHEN login_attempts.window_start_ms <= \(bind: cutoffMillis) THEN 1 ELSE login_attempts."count" + 1 END,
                        window_start_ms = CASE WHEN login_attempts.window_start_ms <= \(bind: cutoffMillis) THEN \(bind: nowMillis)
                                               ELSE login_attempts.window_start_ms END
                    RETURNING "count", window_start_ms
                    """).first()
                guard let row else { continue }
                counters[key] = (Int(try row.decode(column: "count", as: Int64.self)),
                                 Double(try row.decode(column: "window_start_ms", as: Int64.self)) / 1000)
            }
            return counters
        }
    }

    /// The identity behind a session cookie, if the session is alive.
    func identity(sessionToken token: String) async throws -> Identity? {
        guard token.count == 43 else { return nil }
        let id = Self.digest(token)
        guard let session = try await SessionModel.find(id, on: database.db) else { return nil }
        let now = clock.now()
        if now >= session.expiresAt || now.timeIntervalSince(session.lastSeenAt) > sessionIdle {
            try await session.delete(on: database.db)
            return nil
        }
        guard let user = try await UserModel.find(session.userID, on: database.db), !user.disabled else { return nil }
        // Written at most once a minute: most requests only read.
        if now.timeIntervalSince(session.lastSeenAt) > 60 {
            session.lastSeenAt = now
            try await session.save(on: database.db)
        }
        return Self.identity(user, credential: .session(id: id, csrfToken: session.csrfToken))
    }

    func signOut(sessionID: String, identity: Identity, address: String) async throws {
        let now = clock.now()
        try await database.db.transaction { db in
            try await SessionModel.query(on: db).filter(\.$id == sessionID).delete()
            try await Self.audit("logout", actor: identity.actor, target: identity.actor, address: address, at: now, on: db)
        }
    }

    enum PasswordChange: Sendable { case changed, wrongCurrentPassword, rejected(id: String, en: String) }

    /// Changes one's own password; other sessions of the account end.
    func changeOwnPassword(identity: Identity, current: String, new: String, address: String) async throws -> PasswordChange {
        guard let user = try await UserModel.find(identity.userID, on: database.db) else { return .wrongCurrentPassword }
        guard try await verify(current, hash: user.passwordHash) else { return .wrongCurrentPassword }
        if let problem = PasswordPolicy.problem(with: new, email: user.email) { return .rejected(id: problem.id, en: problem.en) }
        if new == current { return .rejected(id: "Kata sandi baru harus berbeda.", en: "The new password must be different.") }
        let hashed = try await hash(new)
        let now = clock.now()
        try await database.db.transaction { db in
            user.passwordHash = hashed
            user.mustChangePassword = false
            user.updatedAt = now
            try await user.save(on: db)
            var others = SessionModel.query(on: db).filter(\.$userID == identity.userID)
            if case .session(let id, _) = identity.credential { others = others.filter(\.$id != id) }
            try await others.delete()
            try await Self.audit("password_changed", actor: identity.actor, target: identity.actor, address: address, at: now, on: db)
        }
        return .changed
    }

    // MARK: API tokens

    /// Creates a token for an account; the token is returned once and only
    /// its SHA-256 is stored.
    func createToken(email: String, name: String, actor: String) async throws -> (token: String, model: APITokenModel) {
        guard let user = try await user(email: email), let userID = user.id else { throw AccountError("No account has e-mail \(email).", id: "Tidak ada akun dengan surel \(email).", field: "email") }
        guard !user.disabled else { throw AccountError("The account \(user.email) is disabled.", id: "Akun \(user.email) dinonaktifkan.", field: "email") }
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...100).contains(trimmed.count) else { throw AccountError("A token needs a name of 1–100 characters (--name).", id: "Token perlu nama 1–100 karakter.", field: "name") }
        let token = Self.tokenPrefix + Self.randomToken()
        let now = clock.now()
        let model = APITokenModel()
        model.id = OrderedID.make(at: now)
        model.userID = userID
        model.name = trimmed
        model.tokenHash = Self.digest(token)
        model.tokenPrefix = String(token.prefix(Self.tokenPrefix.count + 6))
        model.createdAt = now
        try await database.db.transaction { db in
            try await model.create(on: db)
            try await Self.audit("token_created", actor: actor, target: "user:\(user.email)", payload: ["token": model.tokenPrefix, "name": trimmed],
                                 at: now, on: db)
        }
        return (token, model)
    }

    func revokeToken(id: UUID, actor: String) async throws {
        guard let model = try await APITokenModel.find(id, on: database.db) else { throw AccountError("No API token has id \(id).") }
        guard model.revokedAt == nil else { throw AccountError("The token \(model.tokenPrefix)… is already revoked.", id: "Token \(model.tokenPrefix)… sudah dicabut.") }
        let now = clock.now()
        let owner = try await UserModel.find(model.userID, on: database.db)
        try await database.db.transaction { db in
            model.revokedAt = now
            try await model.save(on: db)
            try await Self.audit("token_revoked", actor: actor, target: "user:\(owner?.email ?? "?")",
                                 payload: ["token": model.tokenPrefix, "name": model.name], at: now, on: db)
        }
    }

    func identity(bearerToken token: String) async throws -> Identity? {
        guard token.hasPrefix(Self.tokenPrefix), token.count == Self.tokenPrefix.count + 43 else { return nil }
        guard let model = try await APITokenModel.query(on: database.db).filter(\.$tokenHash == Self.digest(token)).first(),
              model.revokedAt == nil,
              let user = try await UserModel.find(model.userID, on: database.db), !user.disabled
        else { return nil }
        let now = clock.now()
        if model.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            model.lastUsedAt = now
            try await model.save(on: database.db)
        }
        return Self.identity(user, credential: .token(name: model.name))
    }

    // MARK: Helpers

    static func identity(_ user: UserModel, credential: Identity.Credential) -> Identity? {
        guard let id = user.id, let role = Role(rawValue: user.role) else { return nil }
        return Identity(userID: id, email: user.email, displayName: user.displayName, role: role,
                        platform: user.platformID.flatMap(Platform.init(rawValue:)), mustChangePassword: user.mustChangePassword,
                        credential: credential)
    }

    /// 32 random bytes, base64url without padding (43 characters).
    static func randomToken() -> String {
        var random = SecureRandom()
        var bytes: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: random.next()) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).withUnsafeBytes { hexString($0) }
    }

}
