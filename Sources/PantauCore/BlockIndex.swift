/// A set of DNS names held as bytes in one arena with an open-addressing
/// hash table: millions of names in little memory, and lookups that do not
/// allocate (the check endpoint and the landing page ask it for every
/// request). Removal leaves a tombstone; the table grows when it is 60 % full.
public struct NameTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [UInt32] = []
    private var lengths: [UInt8] = []
    private var alive: [Bool] = []
    /// Slot → entry index + 1 (0 empty, -1 tombstone).
    private var slots: [Int32]
    private var used = 0
    public private(set) var count = 0

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
    }

    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        // FNV-1a, then a final mix so low bits spread.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        return h ^ (h >> 32)
    }

    private func equals(_ entry: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let length = Int(lengths[entry])
        guard length == bytes.count else { return false }
        let start = Int(starts[entry])
        return arena.withUnsafeBufferPointer { a in
            for i in 0..<length where a[start + i] != bytes[i] { return false }
            return true
        }
    }

    /// The entry index of `bytes`, or nil.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
        while true {
            let value = slots[slot]
            if value == 0 { return nil }
            if value > 0, equals(Int(value) - 1, bytes) { return Int(value) - 1 }
            slot = (slot + 1) & mask
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
        if let existing = find(bytes) { return existing }
        if (used + 1) * 10 > slots.count * 6 { rehash(to: count * 2 > slots.count / 2 ? slots.count * 2 : slots.count) }
        let entry = starts.count
        starts.append(UInt32(arena.count))
        lengths.append(UInt8(bytes.count))
        alive.append(true)
        arena.append(contentsOf: bytes)
        place(entry, hash: Self.hash(bytes))
        used += 1
        count += 1
        return entry
    }

    /// Removes a name; returns its former entry index.
    @discardableResult
    public mutating func remove(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { bytes -> Int? in
            let mask = slots.count - 1
            var slot = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
            while true {
                let value = slots[slot]
                if value == 0 { return nil }
                if value > 0, equals(Int(value) - 1, bytes) {
                    slots[slot] = -1
                    alive[Int(value) - 1] = false
                    count -= 1
                    return Int(value) - 1
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] > 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry + 1)
    }

    /// Rebuilds the slots (dropping tombstones), at `size` slots.
    private mutating func rehash(to size: Int) {
        slots = Array(repeating: 0, count: max(16, size))
        used = 0
        let arenaCopy = arena
        arenaCopy.withUnsafeBufferPointer { a in
            for entry in 0..<starts.count where alive[entry] {
                let slice = UnsafeBufferPointer(rebasing: a[Int(starts[entry])..<Int(starts[entry]) + Int(lengths[entry])])
                place(entry, hash: Self.hash(slice))
                used += 1
            }
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

    public func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> BlockLookup {
        if let match = Self.match(bytes, exact: allowExact, exactPayload: allowExactPayload,
                                  wildcard: allowWildcard, wildcardPayload: allowWildcardPayload, skipEmpty: allowCount == 0) {
            return .allowed(match)
        }
        if let match = Self.match(bytes, exact: exact, exactPayload: exactPayload, wildcard: wildcard, wildcardPayload: wildcardPayload,
                                  skipEmpty: count == 0) {
            return .blocked(match)
        }
        return .notBlocked
    }

    private static func match(_ bytes: UnsafeBufferPointer<UInt8>, exact: NameTable, exactPayload: [Int64],
                              wildcard: NameTable, wildcardPayload: [Int64], skipEmpty: Bool) -> BlockMatch? {
        if skipEmpty { return nil }
        if let entry = exact.find(bytes) {
            return BlockMatch(entryName: String(decoding: bytes, as: UTF8.self), kind: .exact, payload: exactPayload[entry])
        }
        guard wildcard.count > 0 else { return nil }
        // The name itself, then each parent: a.b.c → b.c → c.
        var start = 0
        while start < bytes.count {
            let suffix = UnsafeBufferPointer(rebasing: bytes[start...])
            if let entry = wildcard.find(suffix) {
                return BlockMatch(entryName: String(decoding: suffix, as: UTF8.self), kind: .subdomains, payload: wildcardPayload[entry])
            }
            guard let dot = suffix.firstIndex(of: UInt8(ascii: ".")) else { break }
            start += dot - suffix.startIndex + 1
        }
        return nil
    }
}

/// The order of the exported list: labels reversed and joined by a space
/// (`www.example.com` → `com example www`). A space sorts below every
/// character a name may hold, so a name is followed directly by everything
/// below it — which lets the RPZ writer drop covered entries in one pass.
public enum BlockSortKey {
    public static func of(_ name: String) -> String {
        name.split(separator: ".").reversed().joined(separator: " ")
    }
}
