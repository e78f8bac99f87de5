/// Every pattern found in one pass over a text, whatever the number of
/// patterns (Aho–Corasick, 1975): the patterns become a trie whose failure
/// links are folded into a full transition table, so each byte of the text
/// costs one table read. The alphabet is what `TextNormalizer` emits
/// (`a`–`z`, `0`–`9`, space, and `~` for a letter of another script).
public struct AhoCorasick: Sendable {
    /// Bytes → column of the transition table (unknown bytes: column 0, the space).
    static let columns: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        table[0x20] = 0
        for (index, byte) in (UInt8(0x61)...UInt8(0x7A)).enumerated() { table[Int(byte)] = UInt8(1 + index) }
        for (index, byte) in (UInt8(0x30)...UInt8(0x39)).enumerated() { table[Int(byte)] = UInt8(27 + index) }
        table[0x7E] = 37
        return table
    }()
    static let width = 38

    /// `next[state * width + column]`: the state after reading a byte.
    private let next: [Int32]
    /// The patterns that end at a state (its own, not those of its suffixes).
    private let outputs: [[Int32]]
    /// The nearest state on the failure chain that has outputs (-1: none).
    private let outputLink: [Int32]
    /// The first state to emit from after reaching a state: itself if it has outputs, else its output link.
    private let emit: [Int32]
    /// The length of each pattern, in bytes.
    public let patternLengths: [Int32]

    public var stateCount: Int { outputs.count }

    /// Builds the automaton. Patterns are normalised bytes; empty ones never match.
    public init(patterns: [[UInt8]]) {
        var trie: [[Int32]] = [Array(repeating: -1, count: Self.width)]
        var own: [[Int32]] = [[]]
        for (id, pattern) in patterns.enumerated() where !pattern.isEmpty {
            var state = 0
            for byte in pattern {
                let column = Int(Self.columns[Int(byte)])
                if trie[state][column] < 0 {
                    trie[state][column] = Int32(trie.count)
                    trie.append(Array(repeating: -1, count: Self.width))
                    own.append([])
                }
                state = Int(trie[state][column])
            }
            own[state].append(Int32(id))
        }
        // Breadth first: each state's failure is the longest proper suffix that is a state.
        var failure = [Int32](repeating: 0, count: trie.count)
        var link = [Int32](repeating: -1, count: trie.count)
        var table = [Int32](repeating: 0, count: trie.count * Self.width)
        var queue: [Int] = []
        queue.reserveCapacity(trie.count)
        for column in 0..<Self.width {
            let child = trie[0][column]
            if child > 0 {
                table[column] = child
                failure[Int(child)] = 0
                queue.append(Int(child))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            let fail = Int(failure[state])
            link[state] = own[fail].isEmpty ? link[fail] : Int32(fail)
            for column in 0..<Self.width {
                let child = trie[state][column]
                if child > 0 {
                    failure[Int(child)] = table[fail * Self.width + column]
                    table[state * Self.width + column] = child
                    queue.append(Int(child))
                } else {
                    table[state * Self.width + column] = table[fail * Self.width + column]
                }
            }
        }
        next = table
        outputs = own
        outputLink = link
        emit = (0..<own.count).map { own[$0].isEmpty ? link[$0] : Int32($0) }
        patternLengths = patterns.map { Int32($0.count) }
    }

    /// Calls `found(pattern, end)` for every occurrence of every pattern
    /// (`end` one past its last byte), in the order the occurrences end.
    public func scan(_ bytes: [UInt8], _ found: (Int, Int) -> Void) {
        next.withUnsafeBufferPointer { next in
            Self.columns.withUnsafeBufferPointer { columns in
                var state = 0
                for position in 0..<bytes.count {
                    state = Int(next[state &* Self.width &+ Int(columns[Int(bytes[position])])])
                    var emitting = Int(emit[state])
                    while emitting > 0 {
                        for pattern in outputs[emitting] { found(Int(pattern), position + 1) }
                        emitting = Int(outputLink[emitting])
                    }
                }
            }
        }
    }

    /// How many occurrences end in `bytes` (the benchmark's "match alone").
    public func countMatches(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var total = 0
        next.withUnsafeBufferPointer { next in
            Self.columns.withUnsafeBufferPointer { columns in
                var state = 0
                for byte in bytes {
                    state = Int(next[state &* Self.width &+ Int(columns[Int(byte)])])
                    var emitting = Int(emit[state])
                    while emitting > 0 {
                        total &+= outputs[emitting].count
                        emitting = Int(outputLink[emitting])
                    }
                }
            }
        }
        return total
    }
}
