import ArgumentParser
import FluentKit
import Foundation
import PantauCore

/// `pantau user …`: staff accounts.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage staff accounts.",
        subcommands: [Add.self, Passwd.self, ChangeRole.self, Disable.self, Enable.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account; prints a one-time password (or reads the password from stdin with --password-stdin).")
        @Option(help: "E-mail address (the sign-in name)") var email: String
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String
        @Option(help: "Platform, for role 'platform' only: \(Platform.allCases.map(\.rawValue).joined(separator: ", "))") var platform: String?
        @Option(help: "Name shown in the interface (default: the part of the e-mail before @)") var name: String?
        @Flag(help: "Read the password from the first line of stdin instead of generating a one-time password") var passwordStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let role = Role(rawValue: role.lowercased()) else {
                throw ValidationError("--role: expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")), got '\(role)'")
            }
            var platformValue: Platform?
            if let platform {
                guard let p = Platform(rawValue: platform.lowercased()), p != .web else {
                    throw ValidationError("--platform: expected one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", ")), got '\(platform)'")
                }
                platformValue = p
            }
            let password = passwordStdin ? try readPasswordFromStdin() : nil
            try await withAccounts(db) { accounts in
                let (user, oneTime) = try await accounts.createUser(email: email, displayName: name, role: role, platform: platformValue,
                                                                    password: password, actor: cliActor)
                print("created \(user.email) (\(role.rawValue)\(platformValue.map { ", " + $0.rawValue } ?? ""))")
                if let oneTime { print("one-time password: \(oneTime)  (must be changed at first sign-in)") }
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reset an account's password: prints a new one-time password (or reads one from stdin); ends its sessions.")
        @Option(help: "E-mail address of the account") var email: String
        @Flag(help: "Read the new password from the first line of stdin") var passwordStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            let password = passwordStdin ? try readPasswordFromStdin() : nil
            try await withAccounts(db) { accounts in
                let oneTime = try await accounts.resetPassword(email: email, password: password, actor: cliActor)
                print("password of \(email.lowercased()) reset; its sessions ended")
                if let oneTime { print("one-time password: \(oneTime)  (must be changed at first sign-in)") }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: it cannot sign in; its sessions end and its API tokens are revoked.")
        @Option(help: "E-mail address of the account") var email: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withAccounts(db) { accounts in
                try await accounts.setDisabled(email: email, true, actor: cliActor)
                print("disabled \(email.lowercased())")
            }
        }
    }

    struct ChangeRole: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Change an account's role (its sessions end, so the new role applies at the next sign-in).")
        @Option(help: "E-mail address of the account") var email: String
        @Option(help: "New role: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String
        @Option(help: "The platform a 'platform' account is bound to") var platform: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let newRole = Role(rawValue: role.lowercased()) else {
                throw ValidationError("--role: expected one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")), got '\(role)'")
            }
            let bound = try platform.map { try PlatformCommand.platform($0) }
            try await withAccounts(db) { accounts in
                try await accounts.setRole(email: email, role: newRole, platform: bound, actor: cliActor)
                print("\(email.lowercased()) is now \(newRole.rawValue)\(bound.map { " (" + $0.rawValue + ")" } ?? "")")
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Option(help: "E-mail address of the account") var email: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withAccounts(db) { accounts in
                try await accounts.setDisabled(email: email, false, actor: cliActor)
                print("enabled \(email.lowercased())")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withAccounts(db) { accounts in
                for user in try await UserModel.query(on: accounts.database.db).sort(\.$email).all() {
                    let state = user.disabled ? "disabled" : (user.mustChangePassword ? "one-time password" : "active")
                    print("\(user.email)\t\(user.role)\(user.platformID.map { ":" + $0 } ?? "")\t\(state)")
                }
            }
        }
    }
}

/// `pantau token …`: API tokens for machine clients.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens (Authorization: Bearer).",
        subcommands: [Create.self, Revoke.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token for an account (or, with --platform, for that platform's connector account); it is printed once and stored hashed.")
        @Option(help: "E-mail address of the account the token acts for") var user: String?
        @Option(help: "A platform's own token (role 'platform', bound to it): \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", "))")
        var platform: String?
        @Option(help: "What the token is for, e.g. 'tiktok connector'") var name: String
        @OptionGroup var db: DatabaseOptions

        func validate() throws {
            guard (user == nil) != (platform == nil) else { throw ValidationError("give either --user EMAIL or --platform P") }
            if let platform, Platform(rawValue: platform.lowercased()) == nil || platform.lowercased() == "web" {
                throw ValidationError("--platform: expected one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", ")), got '\(platform)'")
            }
        }

        func run() async throws {
            try await withAccounts(db) { accounts in
                var email = user?.lowercased() ?? ""
                if let platform, let p = Platform(rawValue: platform.lowercased()) {
                    // One connector account per platform holds its machine tokens.
                    email = "connector@\(p.rawValue).platform.pantau"
                    if try await accounts.user(email: email) == nil {
                        _ = try await accounts.createUser(email: email, displayName: "\(p.displayName) connector", role: .platform, platform: p,
                                                          password: nil, actor: cliActor)
                        print("created the connector account \(email) (platform, \(p.rawValue))")
                    }
                }
                let (token, model) = try await accounts.createToken(email: email, name: name, actor: cliActor)
                print("token \(UUIDText.lower(model.id!)) for \(email) ('\(model.name)') — shown only now:")
                print(token)
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token (by the id `token list` shows).")
        @Option(help: "Token id") var id: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let uuid = UUIDText.parse(id) else { throw ValidationError("--id: expected a token id (a UUID), got '\(id)'") }
            try await withAccounts(db) { accounts in
                try await accounts.revokeToken(id: uuid, actor: cliActor)
                print("revoked \(id.lowercased())")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never the secrets).")
        @Option(help: "Only this account's tokens") var user: String?
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withAccounts(db) { accounts in
                let users = try await UserModel.query(on: accounts.database.db).all()
                let emails = Dictionary(users.compactMap { u in u.id.map { ($0, u.email) } }, uniquingKeysWith: { a, _ in a })
                var query = APITokenModel.query(on: accounts.database.db).sort(\.$createdAt)
                if let user {
                    guard let owner = users.first(where: { $0.email == user.lowercased() }), let id = owner.id else {
                        throw AccountError("No account has e-mail \(user).")
                    }
                    query = query.filter(\.$userID == id)
                }
                for t in try await query.all() {
                    print("\(UUIDText.lower(t.id!))\t\(emails[t.userID] ?? "?")\t\(t.tokenPrefix)…\t\(t.name)\t\(t.revokedAt == nil ? "active" : "revoked")")
                }
            }
        }
    }
}

let cliActor = "cli:" + AppConfiguration.operatingSystemUser

private func readPasswordFromStdin() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw ValidationError("--password-stdin: no password on standard input")
    }
    return line
}

/// Opens (on SQLite: creates and migrates) the database and runs `body` with
/// the account service; account errors become one line on stderr, exit 1.
private func withAccounts(_ options: DatabaseOptions, _ body: (AccountService) async throws -> Void) async throws {
    try await withStartupErrors {
        try await options.withMaintenanceDatabase { database, config in
            try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
            do {
                try await body(AccountService(database: database, clock: CommandEnvironment.clock, configuration: config))
            } catch let error as AccountError {
                FileHandle.standardError.write(Data("pantau: \(error.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}

/// `pantau official-accounts list|import-snapshots FILE|publish-webhook`: the
/// regulator's official accounts, their figures from a CSV file, and where
/// their campaign posts are delivered.
struct OfficialAccountsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "official-accounts", abstract: "The regulator's official accounts and their figures.",
                                                    subcommands: [List.self, ImportSnapshots.self, PublishWebhook.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the official accounts with their latest figures.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    let service = OfficialAccountService(database: database, clock: CommandEnvironment.clock)
                    let latest = try await service.latest()
                    for account in try await service.accounts() {
                        let last = latest[account.id!]
                        print("\(account.platform)\t@\(account.handle)\t\(account.verified ? "verified" : "unverified")\t\(account.ownerUnit)\t"
                              + (last.map { "\($0.followers) followers on \(QueueFilter.formatDay($0.takenAt))" } ?? "no figures"))
                    }
                }
            }
        }
    }

    struct ImportSnapshots: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import-snapshots",
            abstract: "Import figures from CSV: platform,handle,taken_at,followers,posts,likes,views (all or nothing; problems by line).")
        @Argument(help: "CSV file") var file: String
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withStartupErrors {
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    throw ValidationError("cannot read \(file) as UTF-8 text")
                }
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    switch try await OfficialAccountService(database: database, clock: CommandEnvironment.clock).importCSV(text, actor: cliActor) {
                    case .success(let count):
                        print("imported \(count) snapshots from \(file)")
                    case .failure(let problems):
                        for problem in problems.problems { FileHandle.standardError.write(Data("\(file): \(problem)\n".utf8)) }
                        throw ExitCode(1)
                    }
                }
            }
        }
    }

    struct PublishWebhook: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish-webhook",
            abstract: "Set the webhook an account's campaign posts go to (the built-in connector); prints a new signing secret once (or reads one from stdin).")
        @Option(help: "Platform of the account") var platform: String
        @Option(help: "Handle of the account, e.g. kemkominfo") var handle: String
        @Option(help: "http(s) URL that receives the posts") var url: String
        @Flag(help: "Read the signing secret from the first line of stdin") var secretStdin = false
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            guard let p = Platform(rawValue: platform.lowercased()), p != .web else {
                throw ValidationError("--platform: expected one of \(Platform.allCases.filter { $0 != .web }.map(\.rawValue).joined(separator: ", ")), got '\(platform)'")
            }
            let secret = try signingSecret(fromStdin: secretStdin)
            let wanted = (handle.hasPrefix("@") ? String(handle.dropFirst()) : handle).lowercased()
            try await withStartupErrors {
                try await db.withMaintenanceDatabase { database, config in
                    try await PantauServer.prepare(database: database, configuration: config, logger: makeLogger(config))
                    let service = OfficialAccountService(database: database, clock: CommandEnvironment.clock,
                                                         allowInternalWebhooks: config.outboundAllowInternal)
                    guard let account = try await service.accounts().first(where: { $0.platform == p.rawValue && $0.handle == wanted }) else {
                        throw ValidationError("no official account @\(wanted) on \(p.rawValue) is registered (see `pantau official-accounts list`)")
                    }
                    do {
                        _ = try await service.update(account.id!, .init(connector: CampaignConnectors.defaultName, publishWebhookURL: url, publishWebhookSecret: secret),
                                                     actor: cliActor)
                    } catch let problem as OfficialAccountService.Problem {
                        throw ValidationError(problem.en)
                    }
                    print("campaign posts of \(p.rawValue) @\(wanted) go to \(url)")
                    if !secretStdin { print("signing secret (give it to the receiver; shown only now): \(secret)") }
                }
            }
        }
    }
}
