import Foundation

/// A set of DNS names held as bytes in one arena with an open-addressing
/// hash table: millions of names in little memory, and lookups that do not
/// allocate (the check endpoint and the landing page ask it for every
/// request). Each slot keeps 32 bits of the name's hash next to the entry
/// number, so a probe that misses costs one memory access and never touches
/// the arena. Removal leaves a tombstone; the table grows when 60 % full.
public struct NameTable: Sendable {
    private var arena: [UInt8] = []
    /// Entry → arena offset << 8 | length (one load for both).
    private var meta: [UInt64] = []
    private var alive: [Bool] = []
    /// Slot → hash tag << 32 | (entry index + 1); 0 empty, `tombstone` removed.
    private var slots: [UInt64]
    private var used = 0
    public private(set) var count = 0
    /// Live names by number of labels (the last slot counts 127 and more):
    /// a parent lookup skips the suffixes no entry can be — most wildcard
    /// entries have two or three labels, most queries more.
    private var byLabelCount = [Int32](repeating: 0, count: 128)

    @inline(__always)
    static func labelCount(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var labels = 1
        for b in bytes where b == UInt8(ascii: ".") { labels += 1 }
        return min(labels, 127)
    }

    /// false when no live name has `labels` labels.
    @inline(__always)
    public func mayHold(labels: Int) -> Bool { byLabelCount[min(labels, 127)] > 0 }

    private static let tombstone: UInt64 = 0xFFFF_FFFF

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
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
    private static func tag(_ hash: UInt64) -> UInt64 {
        // Never 0 or the tombstone's tag, so an empty slot never matches.
        (hash >> 32) | 1
    }

    @inline(__always)
    private func equals(_ entry: Int, _ bytes: UnsafeBufferPointer<UInt8>, arena a: UnsafeBufferPointer<UInt8>,
                        meta m: UnsafeBufferPointer<UInt64>) -> Bool {
        let packed = m[entry]
        let length = Int(packed & 0xFF)
        guard length == bytes.count else { return false }
        return length == 0 || memcmp(a.baseAddress! + Int(packed >> 8), bytes.baseAddress!, length) == 0
    }

    /// The entry index of `bytes`, or nil.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(bytes)
        return find(bytes, hash: hash)
    }

    @inline(__always)
    private func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        probe(bytes, hash: hash)?.entry
    }

    /// The slot holding `bytes` and its entry, or nil.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, entry: Int)? {
        let tag = Self.tag(hash)
        return slots.withUnsafeBufferPointer { s in
            arena.withUnsafeBufferPointer { a in
                meta.withUnsafeBufferPointer { m in
                    let mask = s.count - 1
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let value = s[slot]
                        if value == 0 { return nil }
                        if value >> 32 == tag, value != Self.tombstone {
                            let entry = Int(value & 0xFFFF_FFFF) - 1
                            if equals(entry, bytes, arena: a, meta: m) { return (slot, entry) }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }

    public func find(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { find($0) }
    }

    public func contains(_ name: String) -> Bool { find(name) != nil }

    /// Inserts a name (at most 255 bytes); returns its entry index (the
    /// existing one when already present).
    @discardableResult
    public mutating func insert(_ name: String) -> Int {
        var name = name
        return name.withUTF8 { insert($0) }
    }

    @discardableResult
    public mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        precondition(bytes.count <= 255, "DNS names are at most 255 bytes")
        let hash = Self.hash(bytes)
        if let existing = find(bytes, hash: hash) { return existing }
        if (used + 1) * 10 > slots.count * 6 { rehash(to: count * 2 > slots.count / 2 ? slots.count * 2 : slots.count) }
        let entry = meta.count
        meta.append(UInt64(arena.count) << 8 | UInt64(bytes.count))
        alive.append(true)
        arena.append(contentsOf: bytes)
        place(entry, hash: hash)
        used += 1
        count += 1
        byLabelCount[Self.labelCount(bytes)] += 1
        return entry
    }

    /// The bytes of entry `entry`, for the length of `body`.
    public func withName<R>(_ entry: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let start = Int(meta[entry] >> 8), length = Int(meta[entry] & 0xFF)
        return try arena.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<start + length])) }
    }

    public func name(_ entry: Int) -> String { withName(entry) { String(decoding: $0, as: UTF8.self) } }

    /// Removes a name; returns its former entry index.
    @discardableResult
    public mutating func remove(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { bytes -> Int? in
            let hash = Self.hash(bytes)
            guard let (slot, entry) = probe(bytes, hash: hash) else { return nil }
            slots[slot] = Self.tombstone
            alive[entry] = false
            count -= 1
            byLabelCount[Self.labelCount(bytes)] -= 1
            return entry
        }
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 && slots[slot] != Self.tombstone { slot = (slot + 1) & mask }
        if slots[slot] == Self.tombstone { used -= 1 }
        slots[slot] = Self.tag(hash) << 32 | UInt64(entry + 1)
    }

    /// Rebuilds the slots (dropping tombstones), at `size` slots.
    private mutating func rehash(to size: Int) {
        slots = Array(repeating: 0, count: max(16, size))
        used = 0
        for entry in 0..<meta.count where alive[entry] {
            let hash = withName(entry) { Self.hash($0) }
            place(entry, hash: hash)
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
    /// What the caller attached to the entry (e.g. its database id).
    public let payload: Int64

    public init(entryName: String, kind: BlockMatchKind, payload: Int64) {
        self.entryName = entryName
        self.kind = kind
        self.payload = payload
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
/// winning, as RPZ passthru does.
public struct BlockIndex: Sendable {
    private var exact = NameTable()
    private var exactPayload: [Int64] = []
    private var wildcard = NameTable()
    private var wildcardPayload: [Int64] = []
    private var allowExact = NameTable()
    private var allowExactPayload: [Int64] = []
    private var allowWildcard = NameTable()
    private var allowWildcardPayload: [Int64] = []

    public init() {}

    public var count: Int { exact.count + wildcard.count }
    public var allowCount: Int { allowExact.count + allowWildcard.count }

    private static func set(_ table: inout NameTable, _ payloads: inout [Int64], _ name: String, _ payload: Int64) {
        let entry = table.insert(name)
        if entry == payloads.count { payloads.append(payload) } else { payloads[entry] = payload }
    }

    public mutating func add(_ name: String, subdomains: Bool, allow: Bool = false, payload: Int64) {
        switch (allow, subdomains) {
        case (false, false): Self.set(&exact, &exactPayload, name, payload)
        case (false, true): Self.set(&wildcard, &wildcardPayload, name, payload)
        case (true, false): Self.set(&allowExact, &allowExactPayload, name, payload)
        case (true, true): Self.set(&allowWildcard, &allowWildcardPayload, name, payload)
        }
    }

    public mutating func remove(_ name: String, subdomains: Bool, allow: Bool = false) {
        switch (allow, subdomains) {
        case (false, false): exact.remove(name)
        case (false, true): wildcard.remove(name)
        case (true, false): allowExact.remove(name)
        case (true, true): allowWildcard.remove(name)
        }
    }

    /// Looks a normalised name up: allow-list first (exact, then its
    /// parents), then the blocklist (exact, then the nearest parent with
    /// subdomains). No allocation on the way except for a match.
    public func lookup(_ name: String) -> BlockLookup {
        var name = name
        return name.withUTF8 { bytes in lookup(bytes) }
    }

    /// Which table and entry decide a name, without allocating: the hot
    /// path (the check endpoint, the landing page, the benchmark).
    public enum Hit: Equatable, Sendable {
        case blocked(kind: BlockMatchKind, entry: Int)
        case allowed(kind: BlockMatchKind, entry: Int)
        case notBlocked
    }

    public func hit(_ bytes: UnsafeBufferPointer<UInt8>) -> Hit {
        if allowCount > 0, let (kind, entry) = Self.find(bytes, exact: allowExact, wildcard: allowWildcard) { return .allowed(kind: kind, entry: entry) }
        if count > 0, let (kind, entry) = Self.find(bytes, exact: exact, wildcard: wildcard) { return .blocked(kind: kind, entry: entry) }
        return .notBlocked
    }

    public func hit(_ name: String) -> Hit {
        var name = name
        return name.withUTF8 { hit($0) }
    }

    @inline(__always)
    private static func find(_ bytes: UnsafeBufferPointer<UInt8>, exact: NameTable, wildcard: NameTable) -> (BlockMatchKind, Int)? {
        if exact.count > 0, let entry = exact.find(bytes) { return (.exact, entry) }
        guard wildcard.count > 0 else { return nil }
        // The name itself, then each parent: a.b.c → b.c → c — only those
        // with a label count some entry has.
        var labels = NameTable.labelCount(bytes)
        var start = 0
        while start < bytes.count {
            let suffix = UnsafeBufferPointer(rebasing: bytes[start...])
            if wildcard.mayHold(labels: labels), let entry = wildcard.find(suffix) { return (.subdomains, entry) }
            labels -= 1
            // The rebased suffix counts from 0.
            guard let dot = suffix.firstIndex(of: UInt8(ascii: ".")) else { break }
            start += dot + 1
        }
        return nil
    }

    /// The entry's name and payload, for a hit.
    public func match(_ hit: Hit) -> BlockLookup {
        switch hit {
        case .notBlocked: return .notBlocked
        case .blocked(let kind, let entry):
            return .blocked(kind == .exact ? BlockMatch(entryName: exact.name(entry), kind: kind, payload: exactPayload[entry])
                                           : BlockMatch(entryName: wildcard.name(entry), kind: kind, payload: wildcardPayload[entry]))
        case .allowed(let kind, let entry):
            return .allowed(kind == .exact ? BlockMatch(entryName: allowExact.name(entry), kind: kind, payload: allowExactPayload[entry])
                                           : BlockMatch(entryName: allowWildcard.name(entry), kind: kind, payload: allowWildcardPayload[entry]))
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
