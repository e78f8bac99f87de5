#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Zeroed memory for the big tables below. At 2 MiB and more it is mapped
/// aside and, on Linux, asked for in transparent huge pages: a lookup makes
/// two random reads in hundreds of megabytes, and with 4 KiB pages each of
/// them also misses the TLB — huge pages remove most of that cost.
final class PageBuffer: @unchecked Sendable {
    // Mutated only through a `NameTable` that holds the sole reference.
    let base: UnsafeMutableRawPointer
    let byteCount: Int
    let hugePages: Bool
    private let mapping: (start: UnsafeMutableRawPointer, length: Int)?

    static let hugePage = 2 << 20

    init(byteCount: Int, hugePages: Bool = true) {
        self.byteCount = byteCount
        self.hugePages = hugePages
        if byteCount >= Self.hugePage, let mapped = Self.mapAligned(byteCount, hugePages: hugePages) {
            mapping = mapped.mapping
            base = mapped.base
        } else {
            mapping = nil
            base = calloc(max(byteCount, 1), 1)!
        }
    }

    /// An anonymous mapping with its start on a huge-page boundary (the
    /// kernel only backs aligned 2 MiB ranges with huge pages).
    private static func mapAligned(_ byteCount: Int, hugePages: Bool) -> (base: UnsafeMutableRawPointer, mapping: (UnsafeMutableRawPointer, Int))? {
        let length = (byteCount + hugePage - 1) / hugePage * hugePage + hugePage
        let start = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let start, start != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        let aligned = (Int(bitPattern: start) + hugePage - 1) / hugePage * hugePage
        let base = UnsafeMutableRawPointer(bitPattern: aligned)!
        #if os(Linux)
        if hugePages { _ = madvise(base, length - hugePage, Int32(MADV_HUGEPAGE)) }
        #endif
        return (base, (start, length))
    }

    /// A buffer of `byteCount` bytes starting with the first `used` bytes of this one.
    func copy(byteCount: Int, used: Int) -> PageBuffer {
        let copy = PageBuffer(byteCount: byteCount, hugePages: hugePages)
        copy.base.copyMemory(from: base, byteCount: min(used, byteCount))
        return copy
    }

    deinit {
        if let mapping { munmap(mapping.start, mapping.length) } else { free(base) }
    }
}

/// A set of DNS names, each with up to eight flag bits, held as bytes in one
/// arena with an open-addressing hash table: millions of names in little
/// memory, and lookups that do not allocate (the check endpoint and the
/// landing page ask it for every request). A slot is one word — 16 bits of
/// the name's hash, its flags, its length and its arena offset — so a probe
/// that misses reads one word and a hit reads that word and the name's
/// bytes. A name whose last flag is cleared leaves a tombstone; the table is
/// rebuilt (and its arena compacted) when live names and tombstones fill
/// 60 % of it. An entry number is a slot: valid until the next insertion.
public struct NameTable: Sendable {
    private var slots: PageBuffer
    private var slotCount: Int
    private var arena: PageBuffer
    private var arenaUsed = 0
    /// Live names plus tombstones.
    private var used = 0
    public private(set) var count = 0

    // Slot layout: tag (16 bits) | flags (8) | length (8) | arena offset (32).
    private static let keyMask: UInt64 = 0xFFFF_00FF_0000_0000
    private static let flagsShift: UInt64 = 40
    private static let flagsMask: UInt64 = 0xFF << 40

    /// `hugePages: false` only to measure what they bring (`pantau bench lookup --no-huge-pages`).
    public init(capacity: Int = 1024, hugePages: Bool = true) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slotCount = size
        slots = PageBuffer(byteCount: size * 8, hugePages: hugePages)
        arena = PageBuffer(byteCount: max(256, capacity * 24), hugePages: hugePages)
    }

    @inline(__always)
    public static func labelCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var labels = 1
        for b in bytes where b == UInt8(ascii: ".") { labels += 1 }
        return min(labels, 127)
    }

    /// Eight bytes at a time, multiply-mixed (names are short; FNV byte by
    /// byte cost more than the probe).
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return h }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            h = (h ^ word) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for i in offset..<bytes.count { tail = tail << 8 | UInt64(base[i]) }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return h ^ (h >> 32)
    }

    @inline(__always)
    private static func key(hash: UInt64, length: Int) -> UInt64 {
        // The top bit always set: a tombstone (flags cleared) is never 0, the empty slot.
        (hash | 1 << 63) & 0xFFFF_0000_0000_0000 | UInt64(length) << 32
    }

    @inline(__always)
    private var slotPointer: UnsafeMutablePointer<UInt64> { slots.base.assumingMemoryBound(to: UInt64.self) }

    @inline(__always)
    private var arenaPointer: UnsafeMutablePointer<UInt8> { arena.base.assumingMemoryBound(to: UInt8.self) }

    /// The slot of a live name, or nil.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let key = Self.key(hash: hash, length: bytes.count)
        let s = slotPointer, a = arenaPointer
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let value = s[slot]
            if value == 0 { return nil }
            if value & Self.keyMask == key, value & Self.flagsMask != 0 {
                let offset = Int(value & 0xFFFF_FFFF)
                if bytes.count == 0 || memcmp(a + offset, bytes.baseAddress!, bytes.count) == 0 { return slot }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The entry of `bytes`, or nil.
    @inline(__always)
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        probe(bytes, hash: Self.hash(bytes))
    }

    public func find(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { find($0) }
    }

    /// The flags of an entry.
    @inline(__always)
    public func flags(_ entry: Int) -> UInt8 { UInt8(truncatingIfNeeded: slotPointer[entry] >> Self.flagsShift) }

    public func contains(_ name: String) -> Bool { find(name) != nil }

    /// Adds a name (at most 255 bytes) with `flags` (at least one bit);
    /// returns the flags it had before (0 when it was not there).
    @discardableResult
    public mutating func insert(_ name: String, flags: UInt8 = 1) -> UInt8 {
        var name = name
        return name.withUTF8 { insert($0, flags: flags) }
    }

    @discardableResult
    public mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, flags: UInt8 = 1) -> UInt8 {
        precondition(bytes.count <= 255, "DNS names are at most 255 bytes")
        precondition(flags != 0, "a name in the table has at least one flag")
        makeUnique()
        let hash = Self.hash(bytes)
        if let slot = probe(bytes, hash: hash) {
            let before = self.flags(slot)
            slotPointer[slot] |= UInt64(flags) << Self.flagsShift
            return before
        }
        if (used + 1) * 10 > slotCount * 6 { rebuild(slotCount: (count + 1) * 2 > slotCount / 2 ? slotCount * 2 : slotCount) }
        let offset = append(bytes)
        if place(Self.key(hash: hash, length: bytes.count) | UInt64(flags) << Self.flagsShift | UInt64(offset), hash: hash) { used += 1 }
        count += 1
        return 0
    }

    /// Clears `flags` of a name; the name leaves the table with its last
    /// flag. Returns the flags it had before (0 when it was not there).
    @discardableResult
    public mutating func remove(_ name: String, flags: UInt8 = 0xFF) -> UInt8 {
        var name = name
        return name.withUTF8 { bytes -> UInt8 in
            guard let slot = find(bytes) else { return 0 }
            makeUnique()
            let before = self.flags(slot)
            slotPointer[slot] &= ~(UInt64(flags) << Self.flagsShift)
            if before & ~flags == 0 { count -= 1 }
            return before
        }
    }

    /// The bytes of an entry, for the length of `body`.
    public func withName<R>(_ entry: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let value = slotPointer[entry]
        let start = Int(value & 0xFFFF_FFFF), length = Int(value >> 32 & 0xFF)
        return try body(UnsafeBufferPointer(start: arenaPointer + start, count: length))
    }

    public func name(_ entry: Int) -> String { withName(entry) { String(decoding: $0, as: UTF8.self) } }

    /// Copies shared storage before a change (the table is a value).
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&slots) { slots = slots.copy(byteCount: slots.byteCount, used: slots.byteCount) }
        if !isKnownUniquelyReferenced(&arena) { arena = arena.copy(byteCount: arena.byteCount, used: arenaUsed) }
    }

    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if arenaUsed + bytes.count > arena.byteCount {
            arena = arena.copy(byteCount: max(arena.byteCount * 2, arenaUsed + bytes.count), used: arenaUsed)
        }
        precondition(arenaUsed + bytes.count <= Int(UInt32.max), "the name arena holds at most 4 GiB")
        let offset = arenaUsed
        if let source = bytes.baseAddress { (arenaPointer + offset).update(from: source, count: bytes.count) }
        arenaUsed += bytes.count
        return offset
    }

    /// Puts a slot value at the first free or tombstoned slot of its probe
    /// sequence; true when that slot was empty (not a tombstone).
    private mutating func place(_ value: UInt64, hash: UInt64) -> Bool {
        let s = slotPointer
        let mask = slotCount - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while s[slot] != 0 && s[slot] & Self.flagsMask != 0 { slot = (slot + 1) & mask }
        let wasEmpty = s[slot] == 0
        s[slot] = value
        return wasEmpty
    }

    /// New slots of `slotCount` and a compacted arena holding the live names only.
    private mutating func rebuild(slotCount newCount: Int) {
        let oldSlots = slots, oldCount = slotCount, oldArena = arena
        slots = PageBuffer(byteCount: max(16, newCount) * 8, hugePages: oldSlots.hugePages)
        slotCount = max(16, newCount)
        arena = PageBuffer(byteCount: max(arena.byteCount, arenaUsed), hugePages: oldArena.hugePages)
        arenaUsed = 0
        used = 0
        let old = oldSlots.base.assumingMemoryBound(to: UInt64.self)
        let oldBytes = oldArena.base.assumingMemoryBound(to: UInt8.self)
        for index in 0..<oldCount {
            let value = old[index]
            guard value & Self.flagsMask != 0 else { continue }
            let name = UnsafeBufferPointer(start: oldBytes + Int(value & 0xFFFF_FFFF), count: Int(value >> 32 & 0xFF))
            let offset = append(name)
            _ = place(value & ~0xFFFF_FFFF | UInt64(offset), hash: Self.hash(name))
            used += 1
        }
    }
}

/// How a name matched the list.
public enum BlockMatchKind: String, Sendable {
    /// The name itself is an exact entry.
    case exact
    /// The name is, or is below, a "domain and all its subdomains" entry.
    case subdomains
}

public struct BlockMatch: Sendable, Equatable {
    /// The list entry's name (the parent, for a subdomain match).
    public let entryName: String
    public let kind: BlockMatchKind

    public init(entryName: String, kind: BlockMatchKind) {
        self.entryName = entryName
        self.kind = kind
    }
}

/// The answer to "is this name blocked?".
public enum BlockLookup: Sendable, Equatable {
    case blocked(BlockMatch)
    /// On the allow-list (never blocked), by this entry.
    case allowed(BlockMatch)
    case notBlocked
}

/// The active blocklist in memory: exact names, "name and subdomains"
/// entries, and the allow-list — checked most specific first, the allow-list
/// winning, as RPZ passthru does. All four kinds live in one table, as
/// flags of the name, so the name itself is one probe whatever it is.
public struct BlockIndex: Sendable {
    private var table = NameTable()
    private static let exactFlag: UInt8 = 1, subdomainsFlag: UInt8 = 2, allowExactFlag: UInt8 = 4, allowSubdomainsFlag: UInt8 = 8
    private var counts = [Int](repeating: 0, count: 4)
    /// "Name and subdomains" entries by number of labels (the last slot
    /// counts 127 and more): a parent lookup skips the suffixes no entry can
    /// be — most such entries have two or three labels, most queries more.
    private var subdomainsByLabels = [Int32](repeating: 0, count: 128)
    private var allowSubdomainsByLabels = [Int32](repeating: 0, count: 128)

    public init(capacity: Int = 1024, hugePages: Bool = true) {
        table = NameTable(capacity: capacity, hugePages: hugePages)
    }

    public var count: Int { counts[0] + counts[1] }
    public var allowCount: Int { counts[2] + counts[3] }

    private static func flag(subdomains: Bool, allow: Bool) -> UInt8 {
        (allow ? 4 : 1) << (subdomains ? 1 : 0)
    }

    private static func bit(_ flag: UInt8) -> Int { flag.trailingZeroBitCount }

    public mutating func add(_ name: String, subdomains: Bool, allow: Bool = false) {
        let flag = Self.flag(subdomains: subdomains, allow: allow)
        guard table.insert(name, flags: flag) & flag == 0 else { return }
        counted(name, flag, by: 1)
    }

    public mutating func remove(_ name: String, subdomains: Bool, allow: Bool = false) {
        let flag = Self.flag(subdomains: subdomains, allow: allow)
        guard table.remove(name, flags: flag) & flag != 0 else { return }
        counted(name, flag, by: -1)
    }

    private mutating func counted(_ name: String, _ flag: UInt8, by delta: Int) {
        counts[Self.bit(flag)] += delta
        guard flag & (Self.subdomainsFlag | Self.allowSubdomainsFlag) != 0 else { return }
        var name = name
        let labels = name.withUTF8 { NameTable.labelCount($0) }
        if flag == Self.subdomainsFlag { subdomainsByLabels[labels] += Int32(delta) } else { allowSubdomainsByLabels[labels] += Int32(delta) }
    }

    /// Looks a normalised name up: allow-list first (exact, then its
    /// parents), then the blocklist (exact, then the nearest parent with
    /// subdomains). No allocation on the way except for a match.
    public func lookup(_ name: String) -> BlockLookup {
        var name = name
        return name.withUTF8 { bytes in lookup(bytes) }
    }

    /// Which entry decides a name, without allocating: the hot path (the
    /// check endpoint, the landing page, the benchmark). The entry is valid
    /// until the index next changes.
    public enum Hit: Equatable, Sendable {
        case blocked(kind: BlockMatchKind, entry: Int)
        case allowed(kind: BlockMatchKind, entry: Int)
        case notBlocked
    }

    public func hit(_ bytes: UnsafeBufferPointer<UInt8>) -> Hit {
        guard table.count > 0 else { return .notBlocked }
        var blocked = Hit.notBlocked
        if let entry = table.find(bytes) {
            let flags = table.flags(entry)
            if flags & Self.allowExactFlag != 0 { return .allowed(kind: .exact, entry: entry) }
            if flags & Self.allowSubdomainsFlag != 0 { return .allowed(kind: .subdomains, entry: entry) }
            if flags & Self.exactFlag != 0 {
                blocked = .blocked(kind: .exact, entry: entry)
            } else if flags & Self.subdomainsFlag != 0 {
                blocked = .blocked(kind: .subdomains, entry: entry)
            }
        }
        let allowParents = counts[3] > 0
        guard allowParents || (blocked == .notBlocked && counts[1] > 0) else { return blocked }
        // Each parent, nearest first (a.b.c → b.c → c), probed only for a
        // label count some entry has: the first allow-list entry wins; else
        // the nearest blocking one.
        var labels = NameTable.labelCount(bytes)
        var start = 0
        while let dot = UnsafeBufferPointer(rebasing: bytes[start...]).firstIndex(of: UInt8(ascii: ".")) {
            start += dot + 1
            labels -= 1
            let wantAllow = allowParents && allowSubdomainsByLabels[labels] > 0
            let wantBlock = blocked == .notBlocked && subdomainsByLabels[labels] > 0
            guard wantAllow || wantBlock else { continue }
            guard let entry = table.find(UnsafeBufferPointer(rebasing: bytes[start...])) else { continue }
            let flags = table.flags(entry)
            if wantAllow, flags & Self.allowSubdomainsFlag != 0 { return .allowed(kind: .subdomains, entry: entry) }
            if wantBlock, flags & Self.subdomainsFlag != 0 {
                blocked = .blocked(kind: .subdomains, entry: entry)
                if !allowParents { break }
            }
        }
        return blocked
    }

    public func hit(_ name: String) -> Hit {
        var name = name
        return name.withUTF8 { hit($0) }
    }

    /// The entry's name, for a hit.
    public func match(_ hit: Hit) -> BlockLookup {
        switch hit {
        case .notBlocked: return .notBlocked
        case .blocked(let kind, let entry): return .blocked(BlockMatch(entryName: table.name(entry), kind: kind))
        case .allowed(let kind, let entry): return .allowed(BlockMatch(entryName: table.name(entry), kind: kind))
        }
    }

    public func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> BlockLookup { match(hit(bytes)) }
}

/// The order of the exported list: labels reversed and joined by a space
/// (`www.example.com` → `com example www`). A space sorts below every
/// character a name may hold, so a name is followed directly by everything
/// below it — which lets the RPZ writer drop covered entries in one pass.
public enum BlockSortKey {
    public static func of(_ name: String) -> String {
        name.split(separator: ".").reversed().joined(separator: " ")
    }

    /// The same for a name given as bytes, appended to `out` (no String on the way).
    public static func append(_ name: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        reverseLabels(name, separator: UInt8(ascii: "."), joiner: UInt8(ascii: " "), to: &out)
    }

    /// The name a sort key stands for (labels reversed back, joined by dots), appended to `out`.
    public static func appendName(ofKey key: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        reverseLabels(key, separator: UInt8(ascii: " "), joiner: UInt8(ascii: "."), to: &out)
    }

    private static func reverseLabels(_ bytes: UnsafeBufferPointer<UInt8>, separator: UInt8, joiner: UInt8, to out: inout [UInt8]) {
        var end = bytes.count
        var index = bytes.count - 1
        var first = true
        while index >= -1 {
            if index == -1 || bytes[index] == separator {
                if !first { out.append(joiner) }
                first = false
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end]))
                end = index
            }
            index -= 1
        }
    }
}
