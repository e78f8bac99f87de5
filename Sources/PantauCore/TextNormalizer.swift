import Foundation

/// A text as the watchlist matcher reads it: lower-case ASCII letters and
/// digits in words separated by single spaces, every byte remembering where
/// it came from in the original (UTF-16 offsets, as JavaScript, Swift's
/// `NSRange` and most UIs count). Terms go through the same steps, so both
/// sides agree on what a word is.
///
/// It undoes what people do to dodge keyword filters:
/// - case, full-width and other compatibility forms (ｊｕｄｉ, 𝐣𝐮𝐝𝐢, ⓙ),
///   diacritics (jùdí), Cyrillic and Greek look-alikes (јudі);
/// - zero-width characters and soft hyphens inside a word (ju​di);
/// - digits and symbols for letters inside a word that has letters
///   (b0k3p, j4ckp0t, $lot) — a number alone stays a number;
/// - stretched letters (bokeeep): every run of one letter counts once, on
///   both sides, so "maaf" and "maf" are one word to the matcher;
/// - letters split by dots, spaces, dashes or emoji (j.u.d.i, j u d i,
///   j🎰u🎰d🎰i): three or more one-letter pieces are joined into a word.
/// `i`, `l`, `1`, `!` and `|` are one letter to it (people write each for
/// the others).
public struct NormalizedText: Sendable {
    /// The normalised bytes: `a`–`z`, `0`–`9` and single spaces between words.
    public let bytes: [UInt8]
    /// For each byte, where its letters start and end in the original (UTF-16 offsets); a space maps to the gap between its words.
    public let sourceStart: [Int32]
    public let sourceEnd: [Int32]
    /// For each byte, the index of its word's first and one-past-last byte.
    public let wordStart: [Int32]
    public let wordEnd: [Int32]
    /// True for the bytes of a word joined from one-letter pieces (j u d i):
    /// where its words begin and end is unknown, so a match may begin and end anywhere in it.
    public let loose: [Bool]

    public var count: Int { bytes.count }

    public var string: String { String(decoding: bytes, as: UTF8.self) }
}

public enum TextNormalizer {
    /// What one Unicode scalar of the original is to the matcher.
    enum Unit: Equatable {
        /// A letter (`a`–`z`).
        case letter(UInt8)
        /// A digit, or a symbol that may stand for a letter; `letter` is the letter it reads as inside a word.
        case leet(digit: UInt8?, letter: UInt8)
        /// Ends a word.
        case separator
        /// Ends a word, and is white space (a word break even where dots split letters).
        case space
        /// `@` or `#`: a handle's or hashtag's mark at a word's start, a letter (`a` for `@`) inside one.
        case mark(letter: UInt8?)
        /// Leaves no trace (zero-width, soft hyphen, combining marks, variation selectors).
        case skip
    }

    public static func normalize(_ text: String) -> NormalizedText {
        // One pass over the scalars; a word's units are gathered in a scratch
        // buffer (reused), resolved when the word ends, and written straight
        // into the output — no arrays are made per word.
        var builder = Builder(capacity: text.utf8.count)
        var word: [(unit: Unit, start: Int32, end: Int32)] = []
        word.reserveCapacity(64)
        var offset: Int32 = 0
        var sawWhitespace = false
        for scalar in text.unicodeScalars {
            let width = Int32(scalar.utf16.count)
            let unit = classify(scalar)
            switch unit {
            case .skip: break
            case .separator, .space:
                if !word.isEmpty {
                    builder.addWord(word, spacedBefore: sawWhitespace)
                    word.removeAll(keepingCapacity: true)
                    sawWhitespace = false
                }
                if unit == .space { sawWhitespace = true }
            default:
                word.append((unit, offset, offset + width))
            }
            offset += width
        }
        if !word.isEmpty { builder.addWord(word, spacedBefore: sawWhitespace) }
        builder.flushRun()
        return NormalizedText(bytes: builder.bytes, sourceStart: builder.starts, sourceEnd: builder.ends,
                              wordStart: builder.wordStarts, wordEnd: builder.wordEnds, loose: builder.loose)
    }

    /// The normalised stream as it is written.
    private struct Builder {
        var bytes: [UInt8] = [], starts: [Int32] = [], ends: [Int32] = [], wordStarts: [Int32] = [], wordEnds: [Int32] = [], loose: [Bool] = []
        /// The current word's letters, resolved (reused).
        var letters: [(byte: UInt8, start: Int32, end: Int32)] = []
        /// One-letter words waiting to be joined (j u d i), each with whether white space came before it.
        var run: [(byte: UInt8, start: Int32, end: Int32, spaced: Bool)] = []
        var wordsSeen = 0

        init(capacity: Int) {
            bytes.reserveCapacity(capacity); starts.reserveCapacity(capacity); ends.reserveCapacity(capacity)
            wordStarts.reserveCapacity(capacity); wordEnds.reserveCapacity(capacity); loose.reserveCapacity(capacity)
            letters.reserveCapacity(64)
        }

        /// Resolves a word's units to letters and digits, then writes it (or holds it, if it is one letter).
        mutating func addWord(_ word: [(unit: Unit, start: Int32, end: Int32)], spacedBefore: Bool) {
            let spaced = spacedBefore || wordsSeen == 0
            wordsSeen += 1
            var hasLetter = false
            for item in word { if case .letter = item.unit { hasLetter = true; break } }
            // A symbol at a word's end is punctuation ("gacor!"), not a letter.
            var last = word.count
            while last > 0, case .leet(nil, _) = word[last - 1].unit { last -= 1 }
            letters.removeAll(keepingCapacity: true)
            for position in 0..<last {
                let item = word[position]
                let byte: UInt8
                switch item.unit {
                case .letter(let letter): byte = letter
                case .leet(let digit, let letter):
                    guard let chosen = hasLetter ? letter : digit else { continue }
                    byte = chosen
                case .mark(let letter):
                    guard position > 0, hasLetter, let letter else { continue }
                    byte = letter
                case .separator, .space, .skip: continue
                }
                // A stretched letter counts once.
                if byte >= 0x61, let previous = letters.last, previous.byte == byte {
                    letters[letters.count - 1].end = item.end
                    continue
                }
                letters.append((byte, item.start, item.end))
            }
            guard !letters.isEmpty else { return }
            if letters.count == 1 && letters[0].byte >= 0x61 {
                run.append((letters[0].byte, letters[0].start, letters[0].end, spaced))
                return
            }
            flushRun()
            beginWord()
            for letter in letters { append(letter.byte, letter.start, letter.end, loose: false) }
            endWord()
        }

        /// Writes the held one-letter words: three or more are joined into a
        /// word (where dots split the letters, a space still splits the words).
        mutating func flushRun() {
            guard !run.isEmpty else { return }
            if run.count >= 3 {
                var dotted = false
                for index in 1..<run.count where !run[index].spaced { dotted = true; break }
                beginWord()
                for (index, piece) in run.enumerated() {
                    if index > 0 && dotted && piece.spaced {
                        endWord()
                        beginWord()
                    } else if index > 0, let previous = bytes.last, previous == piece.byte {
                        ends[ends.count - 1] = piece.end
                        continue
                    }
                    append(piece.byte, piece.start, piece.end, loose: true)
                }
                endWord()
            } else {
                for piece in run {
                    beginWord()
                    append(piece.byte, piece.start, piece.end, loose: false)
                    endWord()
                }
            }
            run.removeAll(keepingCapacity: true)
        }

        private var wordBegin = 0

        private mutating func beginWord() {
            if !bytes.isEmpty {
                bytes.append(0x20)
                starts.append(ends.last ?? 0)
                ends.append(ends.last ?? 0)  // set to the next word's start in append
                wordStarts.append(Int32(bytes.count - 1))
                wordEnds.append(Int32(bytes.count))
                loose.append(false)
            }
            wordBegin = bytes.count
        }

        private mutating func append(_ byte: UInt8, _ start: Int32, _ end: Int32, loose isLoose: Bool) {
            if bytes.count == wordBegin, wordBegin > 0 { ends[wordBegin - 1] = start }  // the space spans the gap
            bytes.append(byte)
            starts.append(start)
            ends.append(end)
            wordStarts.append(Int32(wordBegin))
            wordEnds.append(0)
            loose.append(isLoose)
        }

        private mutating func endWord() {
            let end = Int32(bytes.count)
            for index in wordBegin..<bytes.count { wordEnds[index] = end }
        }
    }

    /// A term as the matcher stores it: the same steps, words joined by single spaces.
    public static func normalizeTerm(_ term: String) -> String { normalize(term).string }

    // MARK: One scalar

    private static let asciiUnits: [Unit] = (0..<128).map { code in
        let byte = UInt8(code)
        switch byte {
        case 0x61...0x7A: return byte == 0x6C ? .letter(0x69) : .letter(byte)          // l reads as i
        case 0x41...0x5A: return byte == 0x4C ? .letter(0x69) : .letter(byte + 0x20)
        case 0x30: return .leet(digit: byte, letter: 0x6F)  // 0 → o
        case 0x31: return .leet(digit: byte, letter: 0x69)  // 1 → i (and l)
        case 0x33: return .leet(digit: byte, letter: 0x65)  // 3 → e
        case 0x34: return .leet(digit: byte, letter: 0x61)  // 4 → a
        case 0x35: return .leet(digit: byte, letter: 0x73)  // 5 → s
        case 0x37: return .leet(digit: byte, letter: 0x74)  // 7 → t
        case 0x38: return .leet(digit: byte, letter: 0x62)  // 8 → b
        case 0x39: return .leet(digit: byte, letter: 0x67)  // 9 → g
        case 0x32, 0x36: return .leet(digit: byte, letter: byte)  // 2 and 6 stand for no letter
        case 0x24: return .leet(digit: nil, letter: 0x73)   // $ → s
        case 0x21, 0x7C: return .leet(digit: nil, letter: 0x69)  // ! and | → i
        case 0x2B: return .leet(digit: nil, letter: 0x74)   // + → t
        case 0x40: return .mark(letter: 0x61)                // @: a handle's mark, or a
        case 0x23: return .mark(letter: nil)                 // #: a hashtag's mark
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return .space
        default: return .separator
        }
    }

    /// Cyrillic and Greek letters that look like Latin ones.
    private static let lookAlikes: [UInt32: UInt8] = {
        let pairs: [(String, Character)] = [
            ("аАɑα", "a"), ("вВβ", "b"), ("сСϲ", "c"), ("еЕєεЁё", "e"), ("һН", "h"), ("іІїıιΙ", "i"), ("јЈ", "j"), ("кКκΚ", "k"),
            ("мМΜ", "m"), ("пη", "n"), ("оОοΟσ", "o"), ("рРρΡ", "p"), ("ԛ", "q"), ("ѕЅ", "s"), ("тТτΤ", "t"), ("υ", "u"),
            ("νѵ", "v"), ("ԝѡω", "w"), ("хХχΧ", "x"), ("уУүγ", "y"), ("ΖΖ", "z"), ("ΑΒΕΗΙΚΜΝΟΡΤΥΧ", "?"),
        ]
        var table: [UInt32: UInt8] = [:]
        for (letters, latin) in pairs where latin != "?" {
            for scalar in letters.unicodeScalars { table[scalar.value] = latin.asciiValue! }
        }
        // Greek capitals that are Latin capitals.
        for (greek, latin) in zip("ΑΒΕΗΙΚΜΝΟΡΤΥΧΖ".unicodeScalars, "abehikmnoptyxz") { table[greek.value] = latin.asciiValue! }
        table[0x0399] = 0x69  // Ι → i
        return table
    }()

    private static let invisible: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0x034F]

    private static let cache = NormalizerCache()

    static func classify(_ scalar: Unicode.Scalar) -> Unit {
        if scalar.value < 128 { return asciiUnits[Int(scalar.value)] }
        if invisible.contains(scalar.value) { return .skip }
        if let cached = cache.unit(for: scalar.value) { return cached }
        let unit = slowClassify(scalar)
        cache.store(unit, for: scalar.value)
        return unit
    }

    private static func slowClassify(_ scalar: Unicode.Scalar) -> Unit {
        let properties = scalar.properties
        if properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark
            || properties.generalCategory == .spacingMark || properties.isVariationSelector { return .skip }
        if let latin = lookAlikes[scalar.value] { return .letter(latin == 0x6C ? 0x69 : latin) }
        // Compatibility decomposition: full-width, mathematical and circled
        // letters become ASCII, and accented letters their base letter.
        let decomposed = String(Character(scalar)).decomposedStringWithCompatibilityMapping
        var base: Unit?
        for part in decomposed.unicodeScalars {
            if part.value < 128 {
                let unit = asciiUnits[Int(part.value)]
                if unit == .separator || unit == .space { continue }
                base = unit
                break
            }
            if let latin = lookAlikes[part.value] { base = .letter(latin); break }
        }
        if let base { return base }
        if properties.isAlphabetic || properties.numericType != nil {
            // A letter of another script: part of a word, never matched by a Latin term.
            return .letter(0x7E)
        }
        return properties.isWhitespace ? .space : .separator
    }
}

/// Classifications of non-ASCII scalars, computed once each (the
/// decomposition is the slow part). Shared by every thread.
final class NormalizerCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table: [UInt32: TextNormalizer.Unit] = [:]

    func unit(for value: UInt32) -> TextNormalizer.Unit? {
        lock.lock(); defer { lock.unlock() }
        return table[value]
    }

    func store(_ unit: TextNormalizer.Unit, for value: UInt32) {
        lock.lock(); defer { lock.unlock() }
        if table.count < 65_536 { table[value] = unit }
    }
}
