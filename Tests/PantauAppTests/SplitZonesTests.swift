import FluentKit
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PantauCore
import PantauDNS
import SQLKit
import Testing
@testable import PantauApp

/// The two-zone RPZ as the DNS primary serves it, against the one zone:
/// random blocks, lifts, wildcard entries, allow-list changes and
/// compactions through the real API and storage; after each step, every
/// name answers through recent-then-base (for every base a secondary may
/// hold) as through the one-zone list, and each zone's increment turns the
/// last version into this one.
/// How the list changes in these tests: an analyst proposes, a supervisor approves.
struct ListDecisions {
    let client: any TestClientProtocol
    let analyst: Staff
    let supervisor: Staff
    let blocks = BlocklistAppTests()

    static func make(_ client: any TestClientProtocol, _ accounts: AccountService, _ who: String) async throws -> ListDecisions {
        ListDecisions(client: client, analyst: try await Staff.make(accounts, "analis.\(who)@kominfo.test", .analyst),
                      supervisor: try await Staff.make(accounts, "sup.\(who)@kominfo.test", .supervisor))
    }

    /// Blocks `names` (`*.name`: with its subdomains). With `coveredIsFine`, a name its parent's
    /// wildcard already blocks may be refused as such (409): nothing is decided then.
    func block(_ names: [String], action: BlockAction = .nxdomain, coveredIsFine: Bool = false) async throws {
        let list = "[" + names.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        let proposed = try await blocks.propose(client, analyst, #"{"names":\#(list),"action":"\#(action.rawValue)","reason":"\#(BlocklistAppTests.reason)","legal_bases":["uu-ite-27-2"]}"#)
        #expect(proposed.status == .created || (coveredIsFine && proposed.status == .conflict), "\(proposed.text)")
        guard proposed.status == .created else { return }
        try await approve(proposed)
    }

    func lift(_ id: UUID) async throws {
        let proposed = try await client.execute(uri: "/api/v1/blocks/lift", method: .post, headers: analyst.auth, body: ByteBuffer(string:
            #"{"entries":["\#(id.uuidString)"],"conditions":"Situs sudah ditutup oleh pemiliknya sendiri."}"#))
        #expect(proposed.status == .created, "\(proposed.text)")
        try await approve(proposed)
    }

    private func approve(_ proposed: TestResponse) async throws {
        #expect(try await blocks.review(client, supervisor, try #require(try json(proposed)["id"] as? String)).status == .ok)
    }
}

@Suite(.serialized) struct SplitZonesTests {
    let blocks = BlocklistAppTests()
    let dns = DNSPrimaryTests()

    static let domains = ["ex1.example", "ex2.example"]
    static let names: [String] = {
        var names: [String] = []
        for domain in domains {
            names.append(domain)
            for a in ["a", "b", "c"] {
                names.append("\(a).\(domain)")
                for b in ["a", "b"] { names.append("\(b).\(a).\(domain)") }
            }
        }
        return names
    }()
    static let queries: [String] = names + names.flatMap { ["x.\($0)", "y.x.\($0)"] } + ["example", "other.example", "x.other.example"]

    /// The records of a zone as the resolver model reads them.
    static func recordSet(_ records: Set<ZoneRecord>, landing: DNSName) -> RPZRecordSet {
        var set = RPZRecordSet()
        for record in records {
            let target: RPZTarget = record.target == BlocklistZone.nxdomain ? .nxdomain : record.target == BlocklistZone.passthru ? .passthru : .redirect
            #expect(record.target == BlocklistZone.nxdomain || record.target == BlocklistZone.passthru || record.target == landing)
            set.set(String(decoding: record.relative, as: UTF8.self), wildcard: record.wildcard, target)
        }
        return set
    }

    func baseRecords(_ zone: BlocklistZone, asOf serial: Int64) async throws -> Set<ZoneRecord> {
        var records: Set<ZoneRecord> = []
        let soa = try await zone.streamZone(asOf: serial, start: { _, _ in }, emit: { relative, wildcard, target, _ in
            records.insert(ZoneRecord(relative: Array(relative), wildcard: wildcard, target: target))
        }, write: { _ in })
        #expect(Int64(soa.serial) == serial)
        return records
    }

    @Test(arguments: Backend.available, [UInt64(1), 2, 3])
    func recentThenEveryBaseInPlayAnswersAsTheOneZoneList(backend: Backend, seed: UInt64) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "split")
            let supervisor = decisions.supervisor
            let zone = try #require(BlocklistZone(database: db, zoneName: "rpz.pantau", landingHost: "blokir.pantau.id"))
            let landing = zone.landing
            var random = SeededGenerator(seed: seed)

            func block(_ name: String, subdomains: Bool, action: BlockAction) async throws {
                try await decisions.block([(subdomains ? "*." : "") + name], action: action, coveredIsFine: true)
            }

            // A list to start from, and the base cut from it.
            for name in ["ex1.example", "a.ex2.example", "b.b.ex1.example"] { try await block(name, subdomains: Bool.random(using: &random), action: .nxdomain) }
            var bases = SplitBases(serials: [try await BlocklistPublications.currentSerial(on: db.db)], generation: 0)
            let recent = RecentZone(zone: zone, bases: bases)
            try await recent.update()
            var lastRecent = (serial: await recent.serial, records: await recent.records)
            #expect(lastRecent.records.isEmpty, "nothing changed since the base")
            var compactions = 0, checks = 0, largestRecent = 0

            for step in 0..<60 {
                let active = try await BlockEntryModel.query(on: db.db).filter(\.$state == "active").all()
                let allows = try await AllowEntryModel.query(on: db.db).filter(\.$removedAt == nil).all()
                switch Int.random(in: 0..<10, using: &random) {
                case 0...3:
                    let name = Self.names.randomElement(using: &random)!
                    guard !active.contains(where: { $0.name == name }) else { continue }
                    try await block(name, subdomains: Bool.random(using: &random), action: Bool.random(using: &random) ? .nxdomain : .redirect)
                case 4...5:
                    guard let entry = active.randomElement(using: &random) else { continue }
                    try await decisions.lift(entry.id!)
                case 6:
                    let name = Self.names.randomElement(using: &random)!
                    let wildcard = Bool.random(using: &random)
                    _ = try await client.execute(uri: "/api/v1/allow-list", method: .post, headers: supervisor.auth, body: ByteBuffer(string:
                        #"{"name":"\#(wildcard ? "*." : "")\#(name)","reason":"Layanan publik resmi yang tidak boleh diblokir."}"#))
                case 7:
                    guard let entry = allows.randomElement(using: &random) else { continue }
                    #expect(try await client.execute(uri: "/api/v1/allow-list/\(UUIDText.lower(entry.id!))/remove", method: .post,
                                                     headers: supervisor.auth).status == .ok)
                default:
                    // A compaction: begins (the list now is the new base, the old one still in play), or ends.
                    if bases.serials.count == 1 {
                        // Begun at the latest serial, or — a publication committed while the compactor decided — the one before.
                        let latest = try await BlocklistPublications.currentSerial(on: db.db)
                        let serial = latest > bases.served + 1 && Bool.random(using: &random) ? latest - 1 : latest
                        bases = SplitBases(serials: [bases.served, serial], generation: bases.generation + 1)
                    } else {
                        bases = SplitBases(serials: [bases.served], generation: bases.generation + 1)
                        compactions += 1
                    }
                    await recent.setBases(bases)
                }

                // The one zone, recent, and each base in play.
                let one = Self.recordSet(try await dns.zoneRecords(zone), landing: landing)
                // As the DNS primary meets it: several secondaries asking at once.
                try await withThrowingTaskGroup(of: UInt32.self) { group in
                    for _ in 0..<4 { group.addTask { try await recent.update() } }
                    for try await _ in group {}
                }
                let recentNow = (serial: await recent.serial, records: await recent.records)
                largestRecent = max(largestRecent, recentNow.records.count)
                let recentSet = Self.recordSet(recentNow.records, landing: landing)
                for base in bases.serials {
                    let baseSet = Self.recordSet(try await baseRecords(zone, asOf: base), landing: landing)
                    for query in Self.queries {
                        let split = RPZResolution.effect(RPZResolution.answer(query, in: [recentSet, baseSet]))
                        let expected = RPZResolution.effect(RPZResolution.answer(query, in: one))
                        #expect(split == expected, "step \(step), base \(base) of \(bases.serials): \(query) answers \(split), the one zone \(expected)")
                        checks += 1
                    }
                }
                // Recent's increment from its last version, when it moved on.
                if recentNow.serial != lastRecent.serial {
                    let difference = try #require(await recent.difference(from: lastRecent.serial), "step \(step)")
                    #expect(difference.soa.serial == recentNow.serial)
                    #expect(lastRecent.records.subtracting(difference.deleted).union(difference.added) == recentNow.records, "step \(step)")
                }
                lastRecent = recentNow
                // The base's increment from the base it replaces.
                if bases.serials.count == 2 {
                    let old = try await baseRecords(zone, asOf: bases.oldest), new = try await baseRecords(zone, asOf: bases.served)
                    if bases.oldest != bases.served {
                        let difference = try #require(try await zone.computeDifference(from: UInt32(bases.oldest), to: bases.served))
                        #expect(old.subtracting(difference.deleted).union(difference.added) == new, "step \(step)")
                    }
                }
            }
            #expect(checks > 1_000 && compactions > 0 && largestRecent > 0, "\(checks) checks, \(compactions) compactions")
        }
    }

    /// The zone once recent is up to date (a server answers from the last version while recent is worked out again).
    static func settled(_ provider: any ZoneProvider) async throws -> (serial: UInt32, owners: [String]) {
        try await (provider as! RecentZoneProvider).recent.update()
        return try await owners(provider)
    }

    static func owners(_ provider: any ZoneProvider) async throws -> (serial: UInt32, owners: [String]) {
        var owners: [String] = []
        let soa = try await provider.streamZone(start: { _, _ in }, emit: { relative, wildcard, target, _ in
            let kind = target == BlocklistZone.passthru ? "passthru" : target == BlocklistZone.nxdomain ? "nxdomain" : "redirect"
            owners.append((wildcard ? "*." : "") + String(decoding: relative, as: UTF8.self) + " " + kind)
        }, write: { _ in })
        return (soa.serial, owners.sorted())
    }

    @Test(arguments: Backend.available)
    func theDNSPrimaryServesTheOneZoneTheBaseAndRecentFromTheStateInStorage(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "zones")
            func block(_ name: String) async throws { try await decisions.block([name]) }
            var configuration = AppConfiguration()
            configuration.rpzSplit = true
            let one = try #require(BlocklistZone(database: db, zoneName: configuration.rpzZone, landingHost: configuration.landingHost))
            let zones = DNSPrimaryService.zones(database: db, configuration: configuration, oneZone: one)
            #expect(zones.map(\.origin.description) == ["rpz.pantau.", "rpz-base.pantau.", "rpz-recent.pantau."])
            let (base, recent) = (zones[1], zones[2])

            try await block("*.lama.example")
            let first = try await Self.owners(base)
            #expect(first.owners == ["*.lama.example nxdomain", "lama.example nxdomain"], "the list when the mode starts is the base")
            #expect(try await Self.owners(recent).owners.isEmpty)
            let (recentRefresh, baseRefresh) = (try await recent.soa().refresh, try await base.soa().refresh)

            // Secondaries asking at once after a publication share one update: two would interleave and spoil its state.
            let shared = RecentZone(zone: one, persists: false)
            try await shared.update()
            try await block("bersama.example")
            let computedBefore = await shared.computations
            try await withThrowingTaskGroup(of: UInt32.self) { group in
                for _ in 0..<8 { group.addTask { try await shared.update() } }
                for try await _ in group {}
            }
            let computed = await shared.computations - computedBefore
            #expect(computed == 1, "\(computed) updates for one publication")
            #expect(recentRefresh == 10 && baseRefresh == 300, "recent is polled often, for secondaries deaf to NOTIFY")

            // A block and a lift reach recent only: the base stays as it is.
            try await block("baru.example")
            let entry = try #require(try await BlockEntryModel.query(on: db.db).filter(\.$name == "lama.example").first()?.id)
            try await decisions.lift(entry)
            #expect(try await Self.owners(base) == first)
            let beforeCompaction = try await Self.owners(recent)
            // Every changed name answers definitively in recent, its subtree too (a passthru where the list has no policy).
            #expect(beforeCompaction.owners == ["*.baru.example passthru", "*.bersama.example passthru", "*.lama.example passthru", "baru.example nxdomain",
                                                "bersama.example nxdomain", "lama.example passthru"])

            // A compaction begins: the base becomes the list now; recent keeps every change since the old base.
            let latest = try await BlocklistPublications.currentSerial(on: db.db)
            try await db.sql.raw("UPDATE rpz_split_state SET retiring_serial = base_serial, base_serial = \(bind: latest) WHERE id = 1").run()
            let compacted = try await Self.owners(base)
            #expect(compacted.serial == UInt32(latest) && compacted.owners == ["baru.example nxdomain", "bersama.example nxdomain"])
            let increment = try #require(try await base.difference(from: first.serial))
            #expect(increment.deleted.map(\.ownerText).sorted() == ["*.lama.example", "lama.example"] && increment.added.map(\.ownerText) == ["baru.example", "bersama.example"])
            #expect(try await Self.settled(recent).owners == beforeCompaction.owners)
            // It ends: recent holds only what changed since the new base, under a new serial.
            try await db.sql.raw("UPDATE rpz_split_state SET retiring_serial = NULL, generation = generation + 1 WHERE id = 1").run()
            let after = try await Self.settled(recent)
            #expect(after.owners.isEmpty && after.serial == beforeCompaction.serial + 1)
            let shrunk = try #require(try await recent.difference(from: beforeCompaction.serial), "an increment, even to a new set of bases")
            #expect(shrunk.added.isEmpty && shrunk.deleted.count == beforeCompaction.owners.count)
        }
    }

    @Test(arguments: Backend.available)
    func aCompactionBeginsWhenDueAndEndsOnlyWhenEverySecondaryHoldsTheNewBaseAndHadTimeToWalkIt(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "compact")
            func block(_ names: [String]) async throws { try await decisions.block(names) }
            func state() async throws -> SplitBases { try await SplitState.load(on: db) }
            try await block(["awal.example"])
            let first = try await state()
            var compactor = RPZCompactor(database: db, clock: SystemClock(), baseZone: "rpz-base.pantau", logger: quietLogger)
            compactor.policy = RPZCompactionPolicy(recentLimit: 2, quietHour: nil, settle: 60)
            compactor.secondaries = ["isp-a.", "192.0.2.53"]
            let now = Date()
            #expect(try await compactor.step(now: now) == nil, "nothing changed since the base")
            try await block(["satu.example"])
            #expect(try await compactor.step(now: now) == nil, "one name in recent: below the size")
            try await block(["dua.example"])
            #expect(try await compactor.step(now: now) == .began)
            let latest = try await BlocklistPublications.currentSerial(on: db.db)
            #expect(try await state() == SplitBases(serials: [first.served, latest], generation: 1), "a new generation: recent's serial moves on")

            // It ends only once both secondaries hold the new base, and the settling time has passed since the last of them.
            let log = TransferLog(database: db)
            await log.transferred(client: "isp-a.", keyName: "isp-a.", zone: "rpz-base.pantau", serial: UInt32(latest), kind: "IXFR", bytes: 300)
            await log.transferred(client: "192.0.2.53", keyName: nil, zone: "rpz-base.pantau", serial: UInt32(first.served), kind: "AXFR", bytes: 9_000)
            await log.transferred(client: "192.0.2.53", keyName: nil, zone: "rpz-recent.pantau", serial: UInt32(latest) + 1, kind: "IXFR", bytes: 200)
            #expect(try await compactor.step(now: now.addingTimeInterval(3_600)) == nil, "192.0.2.53 still holds the old base")
            await log.transferred(client: "192.0.2.53", keyName: nil, zone: "rpz-base.pantau", serial: UInt32(latest), kind: "IXFR", bytes: 300)
            #expect(try await compactor.step(now: Date().addingTimeInterval(30)) == nil, "still walking it")
            #expect(try await compactor.step(now: Date().addingTimeInterval(61)) == .ended)
            #expect(try await state() == SplitBases(serials: [latest], generation: 2))

            // In the quiet hour (03:00 WIB) any change is folded in, once that hour.
            compactor.policy.quietHour = 3
            try await block(["tiga.example"])
            let calendar = RPZCompactor.wib
            let quiet = calendar.date(from: DateComponents(year: 2030, month: 1, day: 2, hour: 3, minute: 10))!
            #expect(try await compactor.step(now: quiet.addingTimeInterval(-3_600)) == nil)
            #expect(try await compactor.step(now: quiet) == .began)
        }
    }

    /// The recent zone of a DNS primary (persisted as served) and its base, as `serve --dns` makes them.
    static func primaryZones(_ db: PantauDatabase) throws -> (base: any ZoneProvider, recent: RecentZoneProvider) {
        var configuration = AppConfiguration()
        configuration.rpzSplit = true
        let one = try #require(BlocklistZone(database: db, zoneName: configuration.rpzZone, landingHost: configuration.landingHost))
        let zones = DNSPrimaryService.zones(database: db, configuration: configuration, oneZone: one)
        return (zones[1], try #require(zones[2] as? RecentZoneProvider))
    }

    @Test(arguments: Backend.available)
    func aRestartedPrimaryServesRecentAsItWasAndAnswersIXFRWithAnIncrement(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "restart")
            let before = try Self.primaryZones(db).recent
            try await decisions.block(["satu.example"])
            let first = try await Self.owners(before)
            try await decisions.block(["dua.example"])
            let second = try await Self.owners(before)
            let expected = try #require(try await before.difference(from: first.serial))
            #expect(expected.added.map(\.ownerText).sorted() == ["*.dua.example", "dua.example"])

            // The primary restarts: the same storage, nothing in memory. A secondary holding the first
            // version is given the increment (the whole zone would leave PowerDNS 4.8 with stale records).
            let restarted = try Self.primaryZones(db).recent
            // Secondaries asking at once after the restart share the one reading of the stored version
            // (a first build beside it would replace the stored journal).
            let serials = try await withThrowingTaskGroup(of: UInt32.self) { group in
                for _ in 0..<6 { group.addTask { try await restarted.soa().serial } }
                return try await group.reduce(into: Set<UInt32>()) { $0.insert($1) }
            }
            #expect(serials == [second.serial])
            #expect(try await Self.owners(restarted) == second, "the stored version, at once")
            let increment = try #require(try await restarted.difference(from: first.serial), "an increment, not the whole zone")
            #expect(increment.added == expected.added && increment.deleted == expected.deleted && increment.soa.serial == second.serial)

            // It goes on from there: the next version follows from both.
            try await decisions.block(["tiga.example"])
            let third = try await Self.settled(restarted)
            #expect(third.serial != second.serial && third.owners.contains("tiga.example nxdomain"))
            let both = try #require(try await restarted.difference(from: first.serial))
            #expect(both.added.map(\.ownerText).sorted() == ["*.dua.example", "*.tiga.example", "dua.example", "tiga.example"])
            #expect(try await Self.primaryZones(db).recent.difference(from: second.serial)?.added.map(\.ownerText).sorted() == ["*.tiga.example", "tiga.example"],
                    "a second restart continues the same journal")
        }
    }

    @Test(arguments: Backend.available)
    func whileRecentIsWorkedOutAgainTheLastVersionIsServedWithoutWaiting(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "rebuild")
            let recent = try Self.primaryZones(db).recent
            #expect(try await Self.owners(recent).owners.isEmpty, "the mode begins: the base is the list as it is")
            try await decisions.block(["satu.example"])
            let served = try await Self.owners(recent)
            #expect(served.owners == ["*.satu.example passthru", "satu.example nxdomain"])
            // A compaction begins: recent is worked out again for two bases. Held under way here, as a long one is at ten million names.
            let gate = AsyncStream<Void>.makeStream()
            await recent.recent.holdRebuilds { for await _ in gate.stream { break } }
            #expect(try await RPZCompactor(database: db, clock: SystemClock(), baseZone: "rpz-base.pantau", logger: quietLogger).step(now: Date(), force: true) == .began)
            let answered = try await withThrowingTaskGroup(of: UInt32?.self) { group in
                group.addTask { try await recent.soa().serial }
                group.addTask {
                    try await Task.sleep(for: .seconds(5))
                    // Too long: let the rebuild go, so the query waiting for it ends and the test fails rather than hangs.
                    gate.continuation.yield()
                    return nil
                }
                let first = try await group.next()!
                group.cancelAll()
                return first
            }
            #expect(answered == served.serial, "the SOA query is answered from the last version, not after the rebuild")
            #expect(try await Self.owners(recent) == served)
            gate.continuation.yield()
            gate.continuation.finish()
            await recent.recent.holdRebuilds(with: nil)
            let rebuilt = try await Self.settled(recent)
            #expect(rebuilt.serial == served.serial &+ 1 && rebuilt.owners == served.owners, "a new generation, the same names")

            // Storage out of reach: the last version is served, not an error.
            try await db.sql.raw("ALTER TABLE rpz_split_state RENAME TO rpz_split_state_away").run()
            var unreachable: UInt32?
            do { unreachable = try await recent.soa().serial } catch {}
            try await db.sql.raw("ALTER TABLE rpz_split_state_away RENAME TO rpz_split_state").run()
            #expect(unreachable == rebuilt.serial)
        }
    }

    @Test(arguments: Backend.available)
    func aBulkImportBecomesTheBaseAtOnceWhileRecentKeepsTheDecisionsUntilEverySecondaryHoldsIt(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "import")
            let (base, recent) = try Self.primaryZones(db)
            try await decisions.block(["lama.example"])
            let oldBase = try await base.soa().serial
            try await decisions.block(["sebelum.example"])
            let before = try await Self.settled(recent)
            #expect(before.owners == ["*.sebelum.example passthru", "sebelum.example nxdomain"])

            // A bulk import (the change log cannot undo it).
            let serial = BlocklistSerialModel()
            serial.id = try await BlocklistPublications.currentSerial(on: db.db) + 1
            (serial.publishedAt, serial.actor, serial.note, serial.added, serial.removed, serial.fullReload) = (Date(), "test", "impor", 0, 0, true)
            try await serial.create(on: db.db)
            let imported = try #require(serial.id)
            var compactor = RPZCompactor(database: db, clock: SystemClock(), baseZone: "rpz-base.pantau", logger: quietLogger)
            compactor.policy = RPZCompactionPolicy(recentLimit: 1_000, quietHour: nil, settle: 60)
            compactor.secondaries = ["isp-a."]
            let generation = try await SplitState.load(on: db).generation
            #expect(try await compactor.step(now: Date()) == .rebased)
            #expect(try await SplitState.load(on: db) == SplitBases(serials: [Int64(oldBase), imported], generation: generation + 1))
            #expect(try await base.soa().serial == UInt32(imported), "the base is the list after the import, at once")
            let staged = try await Self.settled(recent)
            #expect(staged.owners == before.owners && staged.serial != before.serial,
                    "a secondary still holding the old base keeps every decision made since it")
            try await decisions.block(["sesudah.example"])
            #expect(try await Self.settled(recent).owners.contains("sesudah.example nxdomain"))
            #expect(try await compactor.step(now: Date().addingTimeInterval(3_600)) == nil, "isp-a. holds the old base")

            await TransferLog(database: db).transferred(client: "isp-a.", keyName: "isp-a.", zone: "rpz-base.pantau", serial: UInt32(imported),
                                                        kind: "AXFR", bytes: 9_000)
            #expect(try await compactor.step(now: Date().addingTimeInterval(61)) == .ended)
            #expect(try await Self.settled(recent).owners == ["*.sesudah.example passthru", "sesudah.example nxdomain"], "only what came after the import")
        }
    }

    @Test(arguments: Backend.available)
    func eachZoneIsAFileAndEachSecondaryIsBehindItsOwnZonesSerial(backend: Backend) async throws {
        try await withAppAndRoutes(backend, configure: { $0.rpzSplit = true }) { client, _, accounts, db in
            let decisions = try await ListDecisions.make(client, accounts, "files")
            let (analyst, supervisor) = (decisions.analyst, decisions.supervisor)
            func block(_ name: String) async throws { try await decisions.block([name]) }
            try await block("awal.example")
            // The mode began with the list empty (the worker's first look): a compaction makes awal.example part of the base.
            let compactor = RPZCompactor(database: db, clock: SystemClock(), baseZone: "rpz-base.pantau", logger: quietLogger)
            #expect(try await compactor.step(now: Date(), force: true) == .began)
            #expect(try await compactor.step(now: Date()) == .ended, "no secondary to wait for")
            let baseSerial = try await SplitState.load(on: db).served
            try await block("baru.example")
            let base = try await client.execute(uri: "/blocklist/rpz?zone=base", method: .get)
            #expect(base.status == .ok && base.headers[HTTPField.Name("Pantau-Serial")!] == String(baseSerial))
            #expect(base.text.contains("$ORIGIN rpz-base.pantau.") && base.text.contains("awal.example CNAME .") && !base.text.contains("baru.example"), "\(base.text)")
            let recent = try await client.execute(uri: "/blocklist/rpz?zone=recent", method: .get)
            #expect(recent.text.contains("$ORIGIN rpz-recent.pantau.") && recent.text.contains("\nbaru.example CNAME .\n")
                    && recent.text.contains("*.baru.example CNAME rpz-passthru.") && !recent.text.contains("awal.example"), "\(recent.text)")
            let one = try await client.execute(uri: "/blocklist/rpz", method: .get)
            #expect(one.text.contains("awal.example CNAME .") && one.text.contains("baru.example CNAME ."), "the one zone as it always was")
            let bad = try await client.execute(uri: "/blocklist/rpz?zone=semua", method: .get)
            let refusal = try json(bad)
            #expect(bad.status == .badRequest && (refusal["error"] as? [String: Any])?["field"] as? String == "zone", "\(bad.text)")

            // Each secondary is measured against its own zone's serial (recent's: the list's plus the compaction begun and ended).
            let latest = try await BlocklistPublications.currentSerial(on: db.db)
            let log = TransferLog(database: db)
            await log.transferred(client: "isp-a.", keyName: "isp-a.", zone: "rpz-base.pantau", serial: UInt32(baseSerial), kind: "AXFR", bytes: 900)
            await log.transferred(client: "isp-a.", keyName: "isp-a.", zone: "rpz-recent.pantau", serial: UInt32(latest) + 1, kind: "IXFR", bytes: 200)
            await log.transferred(client: "isp-a.", keyName: "isp-a.", zone: "rpz.pantau", serial: UInt32(latest), kind: "IXFR", bytes: 200)
            let rows = try json(try await client.execute(uri: "/api/v1/blocklist/secondaries", method: .get, headers: analyst.auth))["secondaries"] as? [[String: Any]] ?? []
            let behind = Dictionary(uniqueKeysWithValues: rows.map { ($0["zone"] as? String ?? "", $0["behind"] as? Int ?? -1) })
            #expect(behind == ["rpz-base.pantau": 0, "rpz-recent.pantau": 1, "rpz.pantau": 0], "\(rows)")
            let cookie = try #require(try await signIn(client, email: supervisor.email, password: "password-\(supervisor.email)").1)
            let page = try await client.execute(uri: "/blokir", method: .get, headers: [.cookie: cookie]).text
            #expect(page.contains("rpz-recent.pantau") && page.contains("1 serial") && page.components(separatedBy: "Terkini").count - 1 == 2, "base and the one zone up to date, recent one behind")
        }
    }
}
