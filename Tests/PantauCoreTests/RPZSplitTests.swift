import Foundation
import PantauCore
import Testing

/// The two-zone split against the one-zone list: for random lists and
/// random changes, every name answers the same through recent-then-base as
/// through the one zone.
@Suite struct RPZSplitTests {
    /// A generator with a seed, so a failure can be replayed.
    typealias SplitMix = PrevalenceTests.SplitMix

    /// Names two to four labels deep under two domains, so that parents,
    /// children and siblings meet.
    static let names: [String] = {
        var names: [String] = []
        for domain in ["ex.com", "ex.net"] {
            names.append(domain)
            for a in ["a", "b", "c"] {
                names.append("\(a).\(domain)")
                for b in ["a", "b"] { names.append("\(b).\(a).\(domain)") }
            }
        }
        return names
    }()

    /// Every listed name, an unlisted child and grandchild of each, and unlisted names beside them.
    static let queries: [String] = names + names.flatMap { ["x.\($0)", "y.x.\($0)"] } + ["com", "net", "other.com", "x.other.com"]

    struct Key: Hashable {
        let name: String
        let subdomains: Bool
        let allow: Bool
        /// A fixed order, so that a seed replays the same picks.
        var order: String { "\(name)|\(subdomains)|\(allow)" }
    }

    static func randomEntry(_ random: inout SplitMix) -> (Key, BlockAction) {
        let key = Key(name: names.randomElement(using: &random)!, subdomains: Bool.random(using: &random), allow: Int.random(in: 0..<4, using: &random) == 0)
        return (key, Bool.random(using: &random) ? .nxdomain : .redirect)
    }

    static func exported(_ list: [Key: BlockAction]) -> [ExportEntry] {
        list.map { ExportEntry(name: $0.key.name, subdomains: $0.key.subdomains, allow: $0.key.allow, action: $0.value) }
    }

    @Test(arguments: 0..<8)
    func recentThenBaseAnswersAsTheOneZoneList(seed: UInt64) {
        var random = SplitMix(state: seed &* 7_919 &+ 1)
        var list: [Key: BlockAction] = [:]
        for _ in 0..<Int.random(in: 0...12, using: &random) {
            let (key, action) = Self.randomEntry(&random)
            list[key] = action
        }
        var base = RPZRecordSet(entries: Self.exported(list))
        var changed: Set<String> = []
        // A compaction in progress: the base being replaced (some secondaries still hold it) and the names changed since it.
        var retiring: (base: RPZRecordSet, changed: Set<String>)?
        var compactions = 0, checks = 0
        for step in 0..<300 {
            // A block, a lift, an allow-list change or a changed action; now and then a compaction.
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let (key, action) = Self.randomEntry(&random)
                list[key] = action
                changed.insert(key.name)
            case 4..<7:
                if let key = list.keys.sorted(by: { $0.order < $1.order }).randomElement(using: &random) {
                    list[key] = nil
                    changed.insert(key.name)
                }
            case 7..<9:
                if let key = list.keys.filter({ !$0.allow }).sorted(by: { $0.order < $1.order }).randomElement(using: &random) {
                    list[key] = list[key] == .nxdomain ? .redirect : .nxdomain
                    changed.insert(key.name)
                }
            default:
                if retiring == nil {
                    // Compaction starts: the new base is the list now; the old one stays in play.
                    retiring = (base, changed)
                    base = RPZRecordSet(entries: Self.exported(list))
                    changed = []
                } else {
                    // Every secondary holds the new base: the old one and its changes leave.
                    retiring = nil
                }
                compactions += 1
            }
            if let old = retiring {
                // Changes while a compaction is in progress count for both bases.
                retiring = (old.base, old.changed.union(changed))
            }
            let now = RPZRecordSet(entries: Self.exported(list))
            let bases = [retiring?.base, base].compactMap { $0 }
            let recent = RPZSplit.recent(bases: bases, now: now, changed: retiring?.changed ?? changed)
            for query in Self.queries {
                let one = RPZResolution.effect(RPZResolution.answer(query, in: now))
                for held in bases {
                    let two = RPZResolution.effect(RPZResolution.answer(query, in: [recent, held]))
                    if one != two {
                        Issue.record("seed \(seed), step \(step): \(query) answers \(two) through recent+base, \(one) in one zone; changed \(changed.sorted())")
                        return
                    }
                    checks += 1
                }
            }
        }
        #expect(compactions > 0 && checks > 10_000)
    }

    /// What storage can tell of a name's existence (its ancestors' entries,
    /// whether any entry of its subtree would be written under their
    /// wildcard) is what the written zone shows, for every name and list.
    @Test(arguments: 0..<40)
    func existenceFollowsFromTheEntriesAboveAndBelow(seed: UInt64) {
        var random = SplitMix(state: seed &* 104_729 &+ 3)
        var list: [Key: BlockAction] = [:]
        for _ in 0..<Int.random(in: 0...14, using: &random) {
            let (key, action) = Self.randomEntry(&random)
            list[key] = action
        }
        let entries = Self.exported(list)
        let zone = RPZRecordSet(entries: entries)
        for name in Set(Self.queries + ["ex.com", "ex.net"]) {
            let ancestors = entries.filter { name.hasSuffix("." + $0.name) }
            let enclosing = RPZExistence.enclosing(ancestors: ancestors)
            let below = entries.filter { $0.name == name || $0.name.hasSuffix("." + name) }
            let decided = below.contains { RPZExistence.makesExist(allow: $0.allow, action: $0.action, under: enclosing) }
            #expect(decided == zone.exists(name), "\(name) in \(entries.sorted(by: ExportEntry.precedes))")
        }
    }

    @Test func aLiftedBaseNameIsAPassthruInRecentAndANewBlockItsPolicy() {
        let base = RPZRecordSet(entries: [ExportEntry(name: "judi.example", subdomains: true), ExportEntry(name: "lain.example", subdomains: false)])
        let now = RPZRecordSet(entries: [ExportEntry(name: "lain.example", subdomains: false), ExportEntry(name: "baru.example", subdomains: true)])
        let recent = RPZSplit.recent(base: base, now: now, changed: ["judi.example", "baru.example"])
        #expect(recent.exact == ["judi.example": .passthru, "baru.example": .nxdomain])
        #expect(recent.wildcard == ["judi.example": .passthru, "baru.example": .nxdomain], "a wildcard entry needs both names")
        #expect(RPZResolution.answer("www.judi.example", in: [recent, base]) == .passthru)
        #expect(RPZResolution.answer("www.baru.example", in: [recent, base]) == .nxdomain)
        #expect(RPZResolution.answer("lain.example", in: [recent, base]) == .nxdomain, "untouched names answer from base")
    }

    @Test func anEmptyNonTerminalThatDisappearsWidensTheSubtree() {
        // *.example.com blocks; an allow-list exception two labels down makes sub.example.com exist,
        // which punches a hole for x.sub.example.com. Lifting the exception closes the hole.
        let before = [ExportEntry(name: "example.com", subdomains: true), ExportEntry(name: "ok.sub.example.com", subdomains: false, allow: true)]
        let base = RPZRecordSet(entries: before)
        #expect(RPZResolution.answer("x.sub.example.com", in: base) == nil, "the hole, as resolvers read it")
        let now = RPZRecordSet(entries: [before[0]])
        #expect(RPZSplit.roots(of: ["ok.sub.example.com"], base: base, now: now) == ["sub.example.com"])
        let recent = RPZSplit.recent(base: base, now: now, changed: ["ok.sub.example.com"])
        #expect(RPZResolution.answer("x.sub.example.com", in: [recent, base]) == .nxdomain)
        #expect(RPZResolution.answer("ok.sub.example.com", in: [recent, base]) == .nxdomain)
    }

    @Test func aNewParentWidensOnlyWhereItChangesWhatItsChildrenInherit() {
        // No wildcard above x.example: the new empty non-terminal answers as nothing did before — no widening.
        let base = RPZRecordSet(entries: [ExportEntry(name: "lain.example", subdomains: false)])
        let now = RPZRecordSet(entries: [ExportEntry(name: "lain.example", subdomains: false),
                                         ExportEntry(name: "a.x.example", subdomains: true), ExportEntry(name: "b.x.example", subdomains: false)])
        #expect(RPZSplit.roots(of: ["a.x.example", "b.x.example"], base: base, now: now) == ["a.x.example", "b.x.example"])
        let recent = RPZSplit.recent(base: base, now: now, changed: ["a.x.example", "b.x.example"])
        #expect(recent.count == 4, "a.x.example and its wildcard, b.x.example and its (a passthru)")
        for (query, expected) in [("c.x.example", RPZTarget.passthru), ("x.example", .passthru), ("w.a.x.example", .nxdomain), ("b.x.example", .nxdomain)] {
            #expect(RPZResolution.effect(RPZResolution.answer(query, in: [recent, base])) == expected, "\(query)")
        }
        // Under *.example the same new parent changes what its children inherit (the hole of a new
        // empty non-terminal): the whole of x.example is answered from recent.
        let blocked = ExportEntry(name: "example", subdomains: true)
        let wildBase = RPZRecordSet(entries: [blocked])
        let wildNow = RPZRecordSet(entries: [blocked, ExportEntry(name: "ok.x.example", subdomains: false, allow: true)])
        #expect(RPZSplit.roots(of: ["ok.x.example"], base: wildBase, now: wildNow) == ["x.example"])
        let wildRecent = RPZSplit.recent(base: wildBase, now: wildNow, changed: ["ok.x.example"])
        #expect(RPZResolution.answer("c.x.example", in: [wildRecent, wildBase]) == .passthru, "the hole, as one zone answers it")
        #expect(RPZResolution.answer("c.x.example", in: wildNow) == nil)
    }
}

@Suite struct RPZCompactionPolicyTests {
    let jakarta: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        return calendar
    }()

    func wib(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text + "+07:00")!
    }

    @Test func aCompactionIsDueBySizeOrOnceInTheQuietHour() {
        let policy = RPZCompactionPolicy(recentLimit: 100, quietHour: 3)
        let noon = wib("2026-12-05T12:00:00"), quiet = wib("2026-12-05T03:20:00")
        #expect(!policy.isDue(recentNames: 0, lastCompactionAt: nil, now: quiet, calendar: jakarta), "nothing to fold")
        #expect(policy.isDue(recentNames: 100, lastCompactionAt: noon.addingTimeInterval(-60), now: noon, calendar: jakarta))
        #expect(!policy.isDue(recentNames: 99, lastCompactionAt: nil, now: noon, calendar: jakarta))
        #expect(policy.isDue(recentNames: 5, lastCompactionAt: wib("2026-12-04T03:10:00"), now: quiet, calendar: jakarta))
        #expect(!policy.isDue(recentNames: 5, lastCompactionAt: wib("2026-12-05T03:05:00"), now: quiet, calendar: jakarta), "once in the hour")
        #expect(!RPZCompactionPolicy(recentLimit: 100, quietHour: nil).isDue(recentNames: 5, lastCompactionAt: nil, now: quiet, calendar: jakarta))
    }

    @Test func aCompactionEndsAfterTheLongestWaitEvenIfASecondaryNeverCameAndNamesIt() {
        let policy = RPZCompactionPolicy(settle: 120, maximumWait: 3_600)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let transfers = ["isp-a.": RPZCompactionPolicy.Transfer(serial: 9, at: start.addingTimeInterval(10))]
        #expect(!policy.isOver(newBaseSerial: 9, secondaries: ["isp-a.", "isp-gone."], transfers: transfers, now: start.addingTimeInterval(3_599), startedAt: start))
        #expect(policy.isOver(newBaseSerial: 9, secondaries: ["isp-a.", "isp-gone."], transfers: transfers, now: start.addingTimeInterval(3_600), startedAt: start))
        #expect(policy.laggards(newBaseSerial: 9, secondaries: ["isp-a.", "isp-gone."], transfers: transfers) == ["isp-gone."])
    }

    @Test func aCompactionIsOverOnlyWhenEverySecondaryHoldsTheNewBaseAndHadTimeToWalkIt() {
        let policy = RPZCompactionPolicy(settle: 120)
        let t = wib("2026-12-05T03:30:00")
        let secondaries = ["bind", "unbound"]
        var transfers: [String: RPZCompactionPolicy.Transfer] = ["bind": .init(serial: 41, at: t)]
        #expect(!policy.isOver(newBaseSerial: 42, secondaries: secondaries, transfers: transfers, now: t.addingTimeInterval(600)), "bind holds the old base")
        transfers["bind"] = .init(serial: 42, at: t)
        #expect(!policy.isOver(newBaseSerial: 42, secondaries: secondaries, transfers: transfers, now: t.addingTimeInterval(600)), "unbound never heard from")
        transfers["unbound"] = .init(serial: 43, at: t.addingTimeInterval(60))
        #expect(!policy.isOver(newBaseSerial: 42, secondaries: secondaries, transfers: transfers, now: t.addingTimeInterval(150)), "settling")
        #expect(policy.isOver(newBaseSerial: 42, secondaries: secondaries, transfers: transfers, now: t.addingTimeInterval(180)))
        #expect(policy.isOver(newBaseSerial: 0, secondaries: ["x"], transfers: ["x": .init(serial: 0xFFFF_FFFF, at: t)], now: t) == false,
                "serials compare as RFC 1982 says")
    }
}
