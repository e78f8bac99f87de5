import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import PantauDNS
import Testing
@testable import PantauApp

/// The zone the DNS primary serves, and its increments, against the list
/// as it is published: applying the increment to the zone at the client's
/// serial gives the zone now, whatever the changes (wildcards covering
/// names, exceptions, lifts, redirects).
@Suite(.serialized) struct DNSPrimaryTests {
    let blocks = BlocklistAppTests()
    static let reason = "Situs perjudian daring yang terverifikasi dari aduan masyarakat."

    func zoneRecords(_ zone: BlocklistZone) async throws -> Set<ZoneRecord> {
        try await zoneSnapshot(zone).records
    }

    /// The zone as one transfer reads it; `written` is called for every piece.
    func zoneSnapshot(_ zone: BlocklistZone, written: () async throws -> Void = {}) async throws -> (serial: UInt32, records: Set<ZoneRecord>) {
        var records: Set<ZoneRecord> = []
        var opened: UInt32?
        let soa = try await zone.streamZone(start: { soa, _ in opened = soa.serial }, emit: { relative, wildcard, target, out in
            records.insert(ZoneRecord(relative: Array(relative), wildcard: wildcard, target: target))
            out.append(contentsOf: relative)  // something to write, as a transfer would
        }, write: { _ in try await written() })
        #expect(opened == soa.serial, "opened and closed with one SOA")
        return (soa.serial, records)
    }

    @Test(arguments: Backend.available)
    func everyIncrementTurnsTheOldZoneIntoTheNewOne(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.dns@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup.dns@kominfo.test", .supervisor)
            let zone = try #require(BlocklistZone(database: db, zoneName: "rpz.pantau", landingHost: "blokir.pantau.id"))
            func block(_ names: [String], action: String = "nxdomain") async throws {
                let proposed = try await blocks.propose(client, analyst, #"{"names":\#(names),"action":"\#(action)","reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
                #expect(proposed.status == .created, "\(proposed.text)")
                let reviewed = try await blocks.review(client, supervisor, try #require(try json(proposed)["id"] as? String))
                #expect(reviewed.status == .ok, "\(reviewed.text)")
            }
            func lift(_ name: String) async throws {
                let entry = try #require(try await BlockEntryModel.query(on: db.db).filter(\.$name == name).filter(\.$state == "active").first()?.id)
                let proposed = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
                    #"{"entries":["\#(entry.uuidString)"],"conditions":"Situs sudah ditutup oleh pemiliknya sendiri."}"#))
                #expect(proposed.status == .created, "\(proposed.text)")
                _ = try await blocks.review(client, supervisor, try #require(try json(proposed)["id"] as? String))
            }
            try await block(["www.slot.example", "a.b.slot.example", "judi.example", "c.judi.example"])
            var history: [(serial: UInt32, records: Set<ZoneRecord>)] = [((try await zone.soa()).serial, try await zoneRecords(zone))]
            let steps: [() async throws -> Void] = [
                { try await block(["*.slot.example"]) },                       // covers www and a.b: their records go
                { try await block(["phish.example", "login.phish.example"], action: "redirect") },  // to the landing page
                {
                    let allowed = try await client.execute(uri: "/api/v1/allow-list", method: .post, headers: supervisor.auth,
                                                           body: ByteBuffer(string: #"{"name":"ok.slot.example","reason":"Layanan pengaduan resmi."}"#))
                    #expect(allowed.status == .created, "\(allowed.text)")
                },
                { try await lift("slot.example") },                            // the wildcard lifted: the covered names return
                { try await block(["*.judi.example", "neu.example"]) },
                { try await lift("neu.example") },
            ]
            for step in steps {
                try await step()
                history.append(((try await zone.soa()).serial, try await zoneRecords(zone)))
            }
            let now = try #require(history.last)
            #expect(now.records != history[0].records)
            // From every earlier serial to now, the increment applies exactly.
            for earlier in history.dropLast() {
                let difference = try #require(try await zone.difference(from: earlier.serial), "serial \(earlier.serial)")
                #expect(difference.soa.serial == now.serial)
                #expect(Set(difference.deleted).isSubset(of: earlier.records), "deletes only what the client holds (from \(earlier.serial))")
                #expect(Set(difference.added).isDisjoint(with: earlier.records), "adds only what it lacks (from \(earlier.serial))")
                let applied = earlier.records.subtracting(difference.deleted).union(difference.added)
                #expect(applied == now.records, "from \(earlier.serial): \(applied.map(\.ownerText).sorted()) vs \(now.records.map(\.ownerText).sorted())")
            }
            #expect(history[1].records.contains { $0.ownerText == "*.slot.example" } && !history[1].records.contains { $0.ownerText == "www.slot.example" },
                    "a wildcard covers the names below it")
            // An unknown serial, or one newer than the list's, cannot be expressed.
            #expect(try await zone.difference(from: now.serial + 50) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aTransferReadsOneSnapshotWhilePublicationsCommit(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.snap@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup.snap@kominfo.test", .supervisor)
            func block(_ names: [String]) async throws {
                let proposed = try await blocks.propose(client, analyst, #"{"names":\#(names),"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
                #expect(proposed.status == .created, "\(proposed.text)")
                #expect(try await blocks.review(client, supervisor, try #require(try json(proposed)["id"] as? String)).status == .ok)
            }
            try await block((0..<40).map { "situs-\($0).example" })
            var zone = try #require(BlocklistZone(database: db, zoneName: "rpz.pantau", landingHost: "blokir.pantau.id"))
            zone.exporter.chunkBytes = 1  // every record its own piece: the walk yields between rows
            zone.exporter.pageSize = 2    // and PostgreSQL reads many pages
            let before = try await zoneSnapshot(zone)
            var published = false
            let during = try await zoneSnapshot(zone) {
                guard !published else { return }
                published = true
                // Names before and after the walk's position, committed mid-walk.
                try await block(["aaa.example", "zzz.example", "situs-99.example"])
            }
            #expect(published)
            #expect(during.serial == before.serial && during.records == before.records, "the records of the serial the transfer names, nothing newer")
            let after = try await zoneSnapshot(zone)
            #expect(after.serial == before.serial + 1 && after.records.count == before.records.count + 3)
            // The zone file is one snapshot too.
            let exporter = zone.exporter
            var text = ""
            var blockedMidway = false
            let serial = try await exporter.export(.rpz, generatedAt: Date()) { piece in
                text += String(buffer: piece)
                if !blockedMidway { blockedMidway = true; try await block(["tengah.example"]) }
            }
            #expect(serial == Int64(after.serial) && text.contains("serial \(after.serial)") && !text.contains("tengah.example"))
            // The increment names the serial its records are of.
            let difference = try #require(try await zone.difference(from: before.serial))
            #expect(difference.soa.serial == after.serial + 1 && difference.added.contains { $0.ownerText == "tengah.example" })
        }
    }

    @Test(arguments: Backend.available)
    func eachSecondarysLastTransferIsShownWithHowFarBehindItIs(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let analyst = try await Staff.make(accounts, "analis.isp@kominfo.test", .analyst)
            let supervisor = try await Staff.make(accounts, "sup.isp@kominfo.test", .supervisor)
            for names in [#"["satu.example"]"#, #"["dua.example"]"#] {
                let proposed = try await blocks.propose(client, analyst, #"{"names":\#(names),"reason":"\#(Self.reason)","legal_bases":["uu-ite-27-2"]}"#)
                _ = try await blocks.review(client, supervisor, try #require(try json(proposed)["id"] as? String))
            }
            let log = TransferLog(database: db)
            await log.transferred(client: "isp-a.", keyName: "isp-a.", zone: "rpz.pantau.test", serial: 2, kind: "IXFR", bytes: 239)
            await log.transferred(client: "192.0.2.53", keyName: nil, zone: "rpz.pantau.test", serial: 1, kind: "AXFR", bytes: 9_000)
            await log.transferred(client: "192.0.2.53", keyName: nil, zone: "rpz.pantau.test", serial: 1, kind: "AXFR", bytes: 9_001)  // again: one row, updated
            let answer = try await client.execute(uri: "/api/v1/blocklist/secondaries", method: .get, headers: analyst.auth)
            #expect(answer.status == .ok)
            let rows = Dictionary(((try json(answer)["secondaries"] as? [[String: Any]]) ?? []).map { ($0["client"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(rows.count == 2 && rows["isp-a."]?["behind"] as? Int == 0 && rows["192.0.2.53"]?["behind"] as? Int == 1)
            #expect(rows["192.0.2.53"]?["bytes"] as? Int == 9_001 && rows["192.0.2.53"]?["key_name"] is NSNull)
            #expect(rows["isp-a."]?["zone"] as? String == "rpz.pantau.test")
            #expect(try await client.execute(uri: "/api/v1/blocklist/secondaries", method: .get).status == .unauthorized)
            let page = try await client.execute(uri: "/blokir?lang=en", method: .get, headers: [.authorization: "Bearer \(analyst.token)"])
            #expect(page.status == .ok && page.text.contains("ISP resolvers") && page.text.contains("1 serial behind") && page.text.contains("Up to date"))
        }
    }
}
