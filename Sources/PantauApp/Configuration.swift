import Foundation
import PantauCore
import PantauDNS

/// A configuration problem found at start-up. Names the variable or flag and
/// never echoes a secret.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Where the data lives: `sqlite://PATH` (relative to the working directory),
/// `sqlite:///abs/path`, or `postgres://user:pass@host:port/db`.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public init(url: String, source: String) throws {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw ConfigurationError("\(source): sqlite:// needs a file path, e.g. sqlite://pantau.sqlite") }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: url), components.host?.isEmpty == false else {
                throw ConfigurationError("\(source): not a valid postgres:// URL (expected postgres://user:pass@host:port/db)")
            }
            self = .postgres(url: url)
        } else {
            throw ConfigurationError("\(source): unsupported database URL scheme; use sqlite://PATH or postgres://user:pass@host:port/db")
        }
    }

    public var isSQLite: Bool { if case .sqlite = self { true } else { false } }

    /// The URL with any password hidden, for logs and messages.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return "sqlite://\(path)"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres://…" }
            if c.password != nil { c.password = "***" }
            return c.string ?? "postgres://…"
        }
    }
}

/// Every setting Pantau reads, read in one place (`load`).
public struct AppConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var database = DatabaseLocation.sqlite(path: "pantau.sqlite")
    public var dataDirectory = "pantau-data"
    /// 32-byte key (base64) for reporter contact encryption; nil = key file
    /// beside the SQLite database.
    public var secretKey: String?
    public var maxEvidenceBytes = 10 * 1024 * 1024
    /// Uploads (report form with files, evidence API) streaming in at once;
    /// more are answered 503 before their body is read.
    public var maxConcurrentUploads = 8
    /// Evidence files one address may send in an hour (429 beyond).
    public var uploadsPerAddressPerHour = 30
    /// How long an uploaded evidence file waits for a report to name it
    /// before the worker removes it.
    public var evidenceGraceHours = 24
    public var maxJSONBodyBytes = 1024 * 1024
    /// Reports written in one transaction at most.
    public var intakeBatchSize = 512
    /// Concurrent intake writers on PostgreSQL (SQLite always uses one): one
    /// per two cores, at most four. On 2 cores one lane commits more reports
    /// per transaction and measured 10 % faster than two (BENCHMARKS.md).
    public var intakeWriters = min(4, max(1, ProcessInfo.processInfo.activeProcessorCount / 2))
    /// Days an appeal has before it must be answered.
    public var appealDeadlineDays = AppealRules.defaultDeadlineDays
    /// Takedown decisions within this many minutes go into one order per
    /// platform and urgency (0 = each decision is sent at once).
    public var orderBatchMinutes = 15
    /// A subject monitoring finds again within this many hours makes no
    /// further report (its finding is recorded as rate-limited).
    public var monitoringReportWindowHours = 24
    /// Seconds a feed has to answer (its whole answer) before the pull is recorded as failed.
    public var monitoringFeedTimeoutSeconds = 20
    /// Posts drawn per platform, week and method for prevalence.
    public var prevalenceSampleSize = 200
    /// The web crawler (off unless PANTAU_CRAWLER=1) and its limits.
    var crawler = CrawlerSettings()
    /// Re-checks of complied order items and blocked sites (off unless PANTAU_RECHECKS=1).
    var rechecks = RecheckSettings()
    /// Hours platforms have to answer an order, from its delivery (urgent
    /// categories / the others); per-platform category overrides are data.
    public var orderDeadlines = OrderDeadlines()
    /// The administrative fine an ST2 sanction records.
    public var fineFormula = FineFormula()
    /// The RPZ zone the blocklist is published as (no trailing dot).
    public var rpzZone = "rpz.pantau"
    /// The host a resolver's redirect (`CNAME <landing host>.`) points to:
    /// requests for it, or for any blocked name, get the block landing page.
    public var landingHost = "blokir.pantau.id"
    /// `public` (default): anyone may download the blocklist; `token`: only
    /// accounts allowed to (role `isp`, and staff) with a bearer token.
    public var blocklistRequiresToken = false
    /// Hold the active blocklist in memory for checks and the landing page
    /// (`PANTAU_BLOCKLIST_MEMORY=off` to ask the database every time, on a
    /// small machine with a huge list: ten million names take ≈ 400 MB).
    public var blocklistInMemory = true
    /// SMTP relay (`smtp://host:port`) for orders to platforms without a
    /// webhook; without it such orders wait for staff to send them by hand.
    public var smtpURL: String?
    public var smtpFrom = "pantau@localhost"
    /// Run the delivery worker inside `pantau serve` (turn off when separate
    /// `pantau worker` processes deliver).
    public var embeddedWorker = true
    /// Let webhooks reach loopback, private and link-local addresses
    /// (`PANTAU_OUTBOUND_ALLOW_INTERNAL=true`): for tests and a deliberately
    /// local set-up only; by default Pantau sends only to the public internet.
    public var outboundAllowInternal = false
    /// Official account handles per platform (`PANTAU_OFFICIAL_HANDLES=tiktok=kemkominfo,x=kemkominfo`).
    public var officialHandles: [Platform: String] = AppConfiguration.defaultOfficialHandles
    /// Print the phases of a bulk blocklist import (`PANTAU_IMPORT_TIMINGS=1`).
    public var importTimings = false
    /// Whether `PANTAU_OFFICIAL_HANDLES` was given: its handles then replace the stored ones at start.
    public var officialHandlesOverride = false
    public var logLevel = "info"
    /// Mark cookies `Secure`: by default whenever the public URL is https
    /// (`PANTAU_SECURE_COOKIES` overrides).
    public var secureCookies = false
    /// Bearer token `/metrics` asks for (`PANTAU_METRICS_TOKEN`); without
    /// one, only a client on this machine that no proxy forwarded may read it.
    public var metricsToken: String?
    /// Bcrypt work factor for staff passwords (tests use the minimum, 4).
    public var bcryptCost = 12
    /// A staff session ends this long after sign-in…
    public var sessionLifetimeHours = 12
    /// …or after this long without a request.
    public var sessionIdleMinutes = 120
    /// E-mail of the admin created on the first start of an empty database.
    public var initialAdminEmail = "admin@pantau.local"
    /// Public base URL used in links returned by the API.
    public var publicBaseURL: String?
    /// The address links in answers start with: the configured public URL,
    /// else the address Pantau listens on — never the request's `Host`
    /// header, which the client chooses.
    public var publicAddress: String {
        if let publicBaseURL { return publicBaseURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
    /// SQLite commit durability: `full` (default) fsyncs every intake commit,
    /// so an acknowledged report survives a power cut; `normal` survives a
    /// crash of Pantau but may lose the last commits on a power cut.
    public var sqliteSynchronous = "full"

    public static let defaultOfficialHandles: [Platform: String] = [
        .tiktok: "kemkominfo", .x: "kemkominfo", .instagram: "kemenkominfo", .facebook: "kemkominfo",
        .youtube: "kemkominfo", .line: "kemkominfo",
    ]

    /// The DNS primary of the RPZ zone (`--dns HOST:PORT`, `PANTAU_DNS`):
    /// nil = not served.
    public var dnsListen: (host: String, port: Int)?
    /// Networks that may transfer the zone without TSIG (`PANTAU_DNS_ALLOW_TRANSFER`).
    public var dnsAllowTransfer: [IPNetwork] = []
    /// TSIG keys of the secondaries (`PANTAU_DNS_TSIG_KEYS`, `name:base64,…`).
    public var dnsKeys: [TSIGKey] = []
    /// Secondaries told of each new serial (`PANTAU_DNS_NOTIFY`, `host:port,…`).
    public var dnsNotify: [String] = []
    /// TCP connections one address may hold at once (`PANTAU_DNS_TCP_PER_CLIENT`).
    public var dnsTCPPerClient = 8
    /// The blocklist also as two zones, a base and a recent one (`PANTAU_RPZ_SPLIT=1`; see the ISP guide).
    public var rpzSplit = false
    /// Their names (`PANTAU_RPZ_BASE_ZONE`, `PANTAU_RPZ_RECENT_ZONE`); by default the zone's
    /// first label with `-base` and `-recent` (`rpz-base.pantau`, `rpz-recent.pantau`).
    public var rpzBaseZone: String?
    public var rpzRecentZone: String?
    /// The recent zone's SOA refresh (`PANTAU_RPZ_RECENT_REFRESH_SECONDS`): how often a
    /// secondary that does not act on NOTIFY (PowerDNS Recursor before 5.1) polls it.
    public var rpzRecentRefresh = 10
    /// The one zone's and the base zone's SOA refresh (`PANTAU_RPZ_REFRESH_SECONDS`).
    public var rpzRefresh = 300
    /// When a compaction is due and when it may end (`PANTAU_RPZ_COMPACT_NAMES`,
    /// `PANTAU_RPZ_COMPACT_HOUR` — `none` for by size only —, `PANTAU_RPZ_SETTLE_SECONDS`).
    public var rpzCompaction = RPZCompactionPolicy()
    /// The secondaries a compaction waits for (`PANTAU_RPZ_SECONDARIES`: TSIG key names or addresses, as `/blokir` lists them).
    public var rpzSecondaries: [String] = []

    /// The base and recent zones' names.
    public var splitZoneNames: (base: String, recent: String) {
        let labels = rpzZone.split(separator: ".", maxSplits: 1)
        let first = String(labels.first ?? "rpz"), rest = labels.count > 1 ? "." + labels[1] : ""
        return (rpzBaseZone ?? "\(first)-base\(rest)", rpzRecentZone ?? "\(first)-recent\(rest)")
    }

    public init() {}

    /// `HOST:PORT` (`[::1]:5353` for IPv6) as the DNS server's address.
    static func parseListen(_ text: String, source: String) throws -> (host: String, port: Int) {
        var host = text, portText = ""
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...].dropFirst())
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard !host.isEmpty, let port = Int(portText), (0...65535).contains(port), IPNetwork.bytes(host) != nil else {
            throw ConfigurationError("\(source): expected ADDRESS:PORT, e.g. 127.0.0.1:5353, got '\(text)'")
        }
        return (host, port)
    }

    /// The SMTP relay, when one is configured.
    var mailer: SMTPMailer? { smtpURL.flatMap { SMTPMailer(url: $0, from: smtpFrom) } }

    /// Reads the environment; flags given on the command line win.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment,
                            host: String? = nil, port: Int? = nil, databaseURL: String? = nil,
                            dataDirectory: String? = nil) throws -> AppConfiguration {
        var config = AppConfiguration()
        func env(_ name: String) -> String? {
            guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func int(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = env(name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ConfigurationError("\(name): expected a whole number in \(range.lowerBound)…\(range.upperBound), got '\(text)'")
            }
            return value
        }
        config.host = host ?? env("PANTAU_HOST") ?? config.host
        if let port {
            guard (0...65535).contains(port) else { throw ConfigurationError("--port: expected 0…65535, got \(port)") }
            config.port = port
        } else if let p = try int("PANTAU_PORT", 0...65535) {
            config.port = p
        }
        if let databaseURL {
            config.database = try DatabaseLocation(url: databaseURL, source: "--database")
        } else if let url = env("PANTAU_DATABASE_URL") {
            config.database = try DatabaseLocation(url: url, source: "PANTAU_DATABASE_URL")
        }
        config.dataDirectory = dataDirectory ?? env("PANTAU_DATA_DIR") ?? config.dataDirectory
        if let key = env("PANTAU_SECRET_KEY") {
            guard let data = Data(base64Encoded: key), data.count == 32 else {
                throw ConfigurationError("PANTAU_SECRET_KEY: expected 32 bytes in base64 (e.g. `openssl rand -base64 32`)")
            }
            config.secretKey = key
        }
        if let mib = try int("PANTAU_MAX_EVIDENCE_MB", 1...1024) { config.maxEvidenceBytes = mib * 1024 * 1024 }
        if let n = try int("PANTAU_MAX_CONCURRENT_UPLOADS", 1...1024) { config.maxConcurrentUploads = n }
        if let n = try int("PANTAU_UPLOADS_PER_ADDRESS_HOUR", 1...100_000) { config.uploadsPerAddressPerHour = n }
        if let n = try int("PANTAU_EVIDENCE_GRACE_HOURS", 1...8760) { config.evidenceGraceHours = n }
        if let n = try int("PANTAU_INTAKE_BATCH", 1...5000) { config.intakeBatchSize = n }
        if let n = try int("PANTAU_INTAKE_WRITERS", 1...64) { config.intakeWriters = n }
        if let n = try int("PANTAU_BCRYPT_COST", 4...31) { config.bcryptCost = n }
        if let n = try int("PANTAU_SESSION_HOURS", 1...720) { config.sessionLifetimeHours = n }
        if let n = try int("PANTAU_SESSION_IDLE_MINUTES", 5...10080) { config.sessionIdleMinutes = n }
        if let n = try int("PANTAU_APPEAL_DAYS", 1...365) { config.appealDeadlineDays = n }
        if let n = try int("PANTAU_ORDER_BATCH_MINUTES", 0...1440) { config.orderBatchMinutes = n }
        if let n = try int("PANTAU_MONITORING_REPORT_WINDOW_HOURS", 0...8760) { config.monitoringReportWindowHours = n }
        if let n = try int("PANTAU_MONITORING_FEED_TIMEOUT_SECONDS", 1...600) { config.monitoringFeedTimeoutSeconds = n }
        if let n = try int("PANTAU_PREVALENCE_SAMPLE_SIZE", 10...100_000) { config.prevalenceSampleSize = n }
        if let n = try int("PANTAU_CRAWLER", 0...1) { config.crawler.enabled = n == 1 }
        if let n = try int("PANTAU_CRAWLER_DEPTH", 0...10) { config.crawler.maximumDepth = n }
        if let n = try int("PANTAU_CRAWLER_PAGES_PER_HOST", 1...1_000_000) { config.crawler.maximumPagesPerHost = n }
        if let n = try int("PANTAU_CRAWLER_CONCURRENCY", 1...256) { config.crawler.concurrency = n }
        if let n = try int("PANTAU_CRAWLER_DELAY_MS", 0...600_000) { config.crawler.delay = .milliseconds(n) }
        if let n = try int("PANTAU_CRAWLER_TIMEOUT_SECONDS", 1...600) { config.crawler.timeout = .seconds(Int64(n)) }
        if let n = try int("PANTAU_CRAWLER_MAX_KB", 16...1_048_576) { config.crawler.maximumBytes = n * 1024 }
        if let n = try int("PANTAU_CRAWLER_REDIRECTS", 0...20) { config.crawler.maximumRedirects = n }
        if let n = try int("PANTAU_RECHECKS", 0...1) { config.rechecks.enabled = n == 1 }
        if let n = try int("PANTAU_RECHECK_INTERVAL_HOURS", 1...8760) { config.rechecks.interval = Double(n) * 3600 }
        if let n = try int("PANTAU_RECHECK_BATCH", 1...10_000) { config.rechecks.batch = n }
        if let n = try int("PANTAU_EMBEDDED_WORKER", 0...1) { config.embeddedWorker = n == 1 }
        if let n = try int("PANTAU_ORDER_HOURS_URGENT", 1...720) { config.orderDeadlines.urgentHours = n }
        if let n = try int("PANTAU_ORDER_HOURS", 1...720) { config.orderDeadlines.otherHours = n }
        if let n = try int("PANTAU_FINE_PER_ITEM", 0...1_000_000_000_000) { config.fineFormula.perItem = Int64(n) }
        if let n = try int("PANTAU_FINE_URGENT_MULTIPLIER", 1...100) { config.fineFormula.urgentMultiplier = Int64(n) }
        if let zone = env("PANTAU_RPZ_ZONE") {
            let name = zone.hasSuffix(".") ? String(zone.dropLast()) : zone
            guard name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ IDNA.isValidASCIILabel(String($0)) }), name.utf8.count <= 100 else {
                throw ConfigurationError("PANTAU_RPZ_ZONE: expected a DNS name of at most 100 characters, e.g. rpz.pantau, got '\(zone)'")
            }
            config.rpzZone = name.lowercased()
        }
        if let host = env("PANTAU_BLOCK_LANDING_HOST") {
            let name = host.hasSuffix(".") ? String(host.dropLast()) : host
            guard name.contains("."), name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ IDNA.isValidASCIILabel(String($0)) }) else {
                throw ConfigurationError("PANTAU_BLOCK_LANDING_HOST: expected a host name, e.g. blokir.pantau.id, got '\(host)'")
            }
            config.landingHost = name.lowercased()
        }
        if let access = env("PANTAU_BLOCKLIST_ACCESS") {
            guard ["public", "token"].contains(access) else {
                throw ConfigurationError("PANTAU_BLOCKLIST_ACCESS: expected 'public' or 'token', got '\(access)'")
            }
            config.blocklistRequiresToken = access == "token"
        }
        if let memory = env("PANTAU_BLOCKLIST_MEMORY") {
            guard ["on", "off"].contains(memory) else {
                throw ConfigurationError("PANTAU_BLOCKLIST_MEMORY: expected 'on' or 'off', got '\(memory)'")
            }
            config.blocklistInMemory = memory == "on"
        }
        if let from = env("PANTAU_SMTP_FROM") {
            guard ReportValidator.isPlausibleEmail(from) else { throw ConfigurationError("PANTAU_SMTP_FROM: expected an e-mail address, got '\(from)'") }
            config.smtpFrom = from
        }
        if let url = env("PANTAU_SMTP_URL") {
            guard SMTPMailer(url: url, from: config.smtpFrom) != nil else {
                throw ConfigurationError("PANTAU_SMTP_URL: expected smtp://host[:port], got '\(url)'")
            }
            config.smtpURL = url
        }
        if let email = env("PANTAU_ADMIN_EMAIL") {
            guard ReportValidator.isPlausibleEmail(email) else {
                throw ConfigurationError("PANTAU_ADMIN_EMAIL: expected an e-mail address, got '\(email)'")
            }
            config.initialAdminEmail = email.lowercased()
        }
        if let handles = env("PANTAU_OFFICIAL_HANDLES"), !handles.isEmpty {
            config.officialHandlesOverride = true
            for pair in handles.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let platform = Platform(rawValue: parts[0]), !parts[1].isEmpty else {
                    throw ConfigurationError("PANTAU_OFFICIAL_HANDLES: expected platform=handle pairs separated by commas, got '\(pair)'")
                }
                config.officialHandles[platform] = parts[1].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "@"))
            }
        }
        if let level = env("LOG_LEVEL") ?? env("PANTAU_LOG_LEVEL") {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw ConfigurationError("LOG_LEVEL: expected trace, debug, info, notice, warning, error or critical, got '\(level)'")
            }
            config.logLevel = level
        }
        if let allow = env("PANTAU_OUTBOUND_ALLOW_INTERNAL") {
            guard ["1", "true", "0", "false"].contains(allow) else {
                throw ConfigurationError("PANTAU_OUTBOUND_ALLOW_INTERNAL: expected true or false")
            }
            config.outboundAllowInternal = allow == "1" || allow == "true"
        }
        if let secure = env("PANTAU_SECURE_COOKIES") {
            guard ["1", "true", "0", "false"].contains(secure) else {
                throw ConfigurationError("PANTAU_SECURE_COOKIES: expected true or false")
            }
            config.secureCookies = secure == "1" || secure == "true"
        }
        if let url = env("PANTAU_PUBLIC_URL") {
            guard let parts = URLComponents(string: url), ["http", "https"].contains(parts.scheme?.lowercased() ?? ""), parts.host?.isEmpty == false,
                  parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil else {
                throw ConfigurationError("PANTAU_PUBLIC_URL: expected http(s)://host[:port][/path], without user, password, query or fragment")
            }
            config.publicBaseURL = url
            if env("PANTAU_SECURE_COOKIES") == nil { config.secureCookies = parts.scheme?.lowercased() == "https" }
        }
        if let token = env("PANTAU_METRICS_TOKEN") {
            guard token.count >= 16, token.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
                throw ConfigurationError("PANTAU_METRICS_TOKEN: expected at least 16 visible ASCII characters")
            }
            config.metricsToken = token
        }
        if let sync = env("PANTAU_SQLITE_SYNCHRONOUS")?.lowercased() {
            guard ["full", "normal"].contains(sync) else {
                throw ConfigurationError("PANTAU_SQLITE_SYNCHRONOUS: expected full or normal, got '\(sync)'")
            }
            config.sqliteSynchronous = sync
        }
        if case .postgres = config.database, config.secretKey == nil, env("PANTAU_KEY_FILE") == nil {
            throw ConfigurationError("PANTAU_SECRET_KEY: required with PostgreSQL (every process must share the key that encrypts reporter contacts)")
        }
        config.keyFile = env("PANTAU_KEY_FILE")
        config.importTimings = env("PANTAU_IMPORT_TIMINGS") == "1"
        if let listen = env("PANTAU_DNS") { config.dnsListen = try parseListen(listen, source: "PANTAU_DNS") }
        if let networks = env("PANTAU_DNS_ALLOW_TRANSFER") {
            config.dnsAllowTransfer = try networks.split(separator: ",").map { item in
                let text = item.trimmingCharacters(in: .whitespaces)
                guard let network = IPNetwork(text) else {
                    throw ConfigurationError("PANTAU_DNS_ALLOW_TRANSFER: expected addresses or networks separated by commas (192.0.2.0/24), got '\(text)'")
                }
                return network
            }
        }
        if let keys = env("PANTAU_DNS_TSIG_KEYS") {
            config.dnsKeys = try keys.split(separator: ",").map { item in
                guard let key = TSIGKey(spec: item.trimmingCharacters(in: .whitespaces)) else {
                    throw ConfigurationError("PANTAU_DNS_TSIG_KEYS: expected name:base64-secret (hmac-sha256, at least 16 bytes) separated by commas")
                }
                return key
            }
        }
        if let targets = env("PANTAU_DNS_NOTIFY") {
            config.dnsNotify = try targets.split(separator: ",").map { item in
                let text = item.trimmingCharacters(in: .whitespaces)
                let listen = try parseListen(text, source: "PANTAU_DNS_NOTIFY")
                return listen.host.contains(":") ? "[\(listen.host)]:\(listen.port)" : "\(listen.host):\(listen.port)"
            }
        }
        if let n = try int("PANTAU_RPZ_SPLIT", 0...1) { config.rpzSplit = n == 1 }
        for (variable, path) in [("PANTAU_RPZ_BASE_ZONE", \AppConfiguration.rpzBaseZone), ("PANTAU_RPZ_RECENT_ZONE", \AppConfiguration.rpzRecentZone)] {
            guard let zone = env(variable) else { continue }
            let name = (zone.hasSuffix(".") ? String(zone.dropLast()) : zone).lowercased()
            guard name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ IDNA.isValidASCIILabel(String($0)) }), name.utf8.count <= 100,
                  name != config.rpzZone else {
                throw ConfigurationError("\(variable): expected a DNS name of at most 100 characters other than the one zone's, e.g. rpz-base.pantau, got '\(zone)'")
            }
            config[keyPath: path] = name
        }
        if let seconds = try int("PANTAU_RPZ_RECENT_REFRESH_SECONDS", 1...3_600) { config.rpzRecentRefresh = seconds }
        if let seconds = try int("PANTAU_RPZ_REFRESH_SECONDS", 1...86_400) { config.rpzRefresh = seconds }
        if let names = try int("PANTAU_RPZ_COMPACT_NAMES", 1...10_000_000) { config.rpzCompaction.recentLimit = names }
        if env("PANTAU_RPZ_COMPACT_HOUR")?.lowercased() == "none" {
            config.rpzCompaction.quietHour = nil
        } else if let hour = try int("PANTAU_RPZ_COMPACT_HOUR", 0...23) {
            config.rpzCompaction.quietHour = hour
        }
        if let seconds = try int("PANTAU_RPZ_SETTLE_SECONDS", 0...86_400) { config.rpzCompaction.settle = TimeInterval(seconds) }
        if let hours = try int("PANTAU_RPZ_COMPACT_MAX_WAIT_HOURS", 1...168) { config.rpzCompaction.maximumWait = TimeInterval(hours) * 3600 }
        if let list = env("PANTAU_RPZ_SECONDARIES") {
            config.rpzSecondaries = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let text = env("PANTAU_DNS_TCP_PER_CLIENT") {
            guard let count = Int(text), (1...1000).contains(count) else {
                throw ConfigurationError("PANTAU_DNS_TCP_PER_CLIENT: expected a number of connections from 1 to 1000, got '\(text)'")
            }
            config.dnsTCPPerClient = count
        }
        return config
    }

    /// Who runs a command, for the audit log's actor (`cli:<user>`).
    static var operatingSystemUser: String { ProcessInfo.processInfo.environment["USER"] ?? "unknown" }

    /// Explicit key file path (otherwise beside the SQLite database).
    public var keyFile: String?

    /// Where the generated key lives for the embedded default.
    var keyFilePath: String {
        if let keyFile { return keyFile }
        if case .sqlite(let path) = database { return path + ".key" }
        return "pantau.key"
    }
}
