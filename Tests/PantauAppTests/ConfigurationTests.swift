import Foundation
import Testing
@testable import PantauApp

@Suite struct ConfigurationTests {
    @Test func defaultsWorkOnALaptop() throws {
        let config = try AppConfiguration.load(environment: [:])
        #expect(config.host == "127.0.0.1" && config.port == 8080)
        #expect(config.database == .sqlite(path: "pantau.sqlite"))
        #expect(config.sqliteSynchronous == "full")
        #expect(config.officialHandles[.tiktok] == "kemkominfo")
    }

    /// Cookies are `Secure` whenever the public address is https, unless said otherwise.
    @Test func cookiesAreSecureWhenThePublicAddressIsHTTPS() throws {
        #expect(try AppConfiguration.load(environment: [:]).secureCookies == false)
        let https = try AppConfiguration.load(environment: ["PANTAU_PUBLIC_URL": "https://aduan.example.go.id/"])
        #expect(https.secureCookies && https.publicAddress == "https://aduan.example.go.id")
        #expect(try AppConfiguration.load(environment: ["PANTAU_PUBLIC_URL": "http://10.1.2.3:8080"]).secureCookies == false)
        #expect(try AppConfiguration.load(environment: ["PANTAU_PUBLIC_URL": "https://a.example", "PANTAU_SECURE_COOKIES": "false"]).secureCookies == false)
        #expect(try AppConfiguration.load(environment: ["PANTAU_HOST": "::1", "PANTAU_PORT": "8081"]).publicAddress == "http://[::1]:8081")
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let config = try AppConfiguration.load(environment: ["PANTAU_PORT": "9000", "PANTAU_DATABASE_URL": "sqlite:///tmp/a.sqlite"],
                                               port: 9100, databaseURL: "sqlite://b.sqlite")
        #expect(config.port == 9100)
        #expect(config.database == .sqlite(path: "b.sqlite"))
    }

    @Test(arguments: [
        (["PANTAU_PORT": "eighty"], "PANTAU_PORT"),
        (["PANTAU_DATABASE_URL": "mysql://x"], "PANTAU_DATABASE_URL"),
        (["PANTAU_SECRET_KEY": "c2hvcnQ="], "PANTAU_SECRET_KEY"),
        (["PANTAU_DATABASE_URL": "postgres://u:pw@127.0.0.1:5432/db"], "PANTAU_SECRET_KEY"),
        (["PANTAU_SQLITE_SYNCHRONOUS": "off"], "PANTAU_SQLITE_SYNCHRONOUS"),
        (["PANTAU_OFFICIAL_HANDLES": "myspace=x"], "PANTAU_OFFICIAL_HANDLES"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL"),
        (["PANTAU_INTAKE_BATCH": "0"], "PANTAU_INTAKE_BATCH"),
        (["PANTAU_DNS": "localhost"], "PANTAU_DNS"),
        (["PANTAU_DNS_ALLOW_TRANSFER": "10.0.0.0/33"], "PANTAU_DNS_ALLOW_TRANSFER"),
        (["PANTAU_DNS_TSIG_KEYS": "isp-a:c2hvcnQ="], "PANTAU_DNS_TSIG_KEYS"),
        (["PANTAU_DNS_TCP_PER_CLIENT": "0"], "PANTAU_DNS_TCP_PER_CLIENT"),
        (["PANTAU_PUBLIC_URL": "javascript:alert(1)"], "PANTAU_PUBLIC_URL"),
        (["PANTAU_PUBLIC_URL": "https://user:pw@aduan.example"], "PANTAU_PUBLIC_URL"),
        (["PANTAU_METRICS_TOKEN": "short"], "PANTAU_METRICS_TOKEN"),
    ])
    func badValuesStopStartUpNamingTheVariable(environment: [String: String], variable: String) {
        do {
            _ = try AppConfiguration.load(environment: environment)
            Issue.record("accepted \(environment)")
        } catch let error as ConfigurationError {
            #expect(error.message.hasPrefix(variable), "\(error.message)")
            #expect(!error.message.contains("pw@"), "never echoes a password")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func theDNSPrimarysSettingsAreRead() throws {
        let config = try AppConfiguration.load(environment: ["PANTAU_DNS": "127.0.0.1:5353", "PANTAU_DNS_ALLOW_TRANSFER": "192.0.2.0/24, 2001:db8::/32",
                                                             "PANTAU_DNS_NOTIFY": "192.0.2.53:53", "PANTAU_DNS_TCP_PER_CLIENT": "32"])
        #expect(config.dnsListen?.host == "127.0.0.1" && config.dnsListen?.port == 5353)
        #expect(config.dnsAllowTransfer.count == 2 && config.dnsNotify == ["192.0.2.53:53"] && config.dnsTCPPerClient == 32)
        #expect(try AppConfiguration.load(environment: [:]).dnsTCPPerClient == 8)
    }

    @Test func theTwoZoneModesSettingsAreReadAndBadOnesRefusedByName() throws {
        let defaults = try AppConfiguration.load(environment: ["PANTAU_RPZ_ZONE": "rpz.kominfo.go.id"])
        #expect(!defaults.rpzSplit && defaults.splitZoneNames == ("rpz-base.kominfo.go.id", "rpz-recent.kominfo.go.id") && defaults.rpzRecentRefresh == 10)
        let set = try AppConfiguration.load(environment: ["PANTAU_RPZ_SPLIT": "1", "PANTAU_RPZ_BASE_ZONE": "Dasar.RPZ.", "PANTAU_RPZ_RECENT_ZONE": "baru.rpz",
                                                          "PANTAU_RPZ_RECENT_REFRESH_SECONDS": "5"])
        #expect(set.rpzSplit && set.splitZoneNames == ("dasar.rpz", "baru.rpz") && set.rpzRecentRefresh == 5)
        for (variable, value) in [("PANTAU_RPZ_SPLIT", "yes"), ("PANTAU_RPZ_BASE_ZONE", "rpz.pantau"), ("PANTAU_RPZ_RECENT_ZONE", "bad name"),
                                  ("PANTAU_RPZ_RECENT_REFRESH_SECONDS", "0")] {
            #expect(throws: ConfigurationError.self, "\(variable)=\(value)") { try AppConfiguration.load(environment: [variable: value]) }
            do {
                _ = try AppConfiguration.load(environment: [variable: value])
            } catch let error as ConfigurationError {
                #expect("\(error)".contains(variable), "the message names the setting: \(error)")
            }
        }
    }

    @Test func passwordsAreRedactedInMessages() throws {
        let location = try DatabaseLocation(url: "postgres://pantau:s3cret@db.internal:5432/pantau", source: "test")
        #expect(!location.redacted.contains("s3cret"))
    }
}
