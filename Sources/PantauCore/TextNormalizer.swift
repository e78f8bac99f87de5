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
        // 1. Each scalar as a unit, with its UTF-16 span.
        var units: [(unit: Unit, start: Int32, end: Int32)] = []
        units.reserveCapacity(text.utf8.count)
        var offset: Int32 = 0
        for scalar in text.unicodeScalars {
            let width = Int32(scalar.utf16.count)
            let unit = classify(scalar)
            if unit != .skip { units.append((unit, offset, offset + width)) }
            offset += width
        }

        // 2. Words: runs between separators; each resolved to letters and digits.
        struct Piece { var letters: [UInt8]; var starts: [Int32]; var ends: [Int32]; var spacedBefore: Bool; var loose = false }
        var pieces: [Piece] = []
        var index = 0
        var sawWhitespace = false
        func ends(_ unit: Unit) -> Bool { unit == .separator || unit == .space }
        while index < units.count {
            guard !ends(units[index].unit) else {
                if units[index].unit == .space { sawWhitespace = true }
                index += 1
                continue
            }
            var end = index
            while end < units.count, !ends(units[end].unit) { end += 1 }
            let word = units[index..<end]
            let hasLetter = word.contains { if case .letter = $0.unit { true } else { false } }
            // A symbol at a word's end is punctuation ("gacor!"), not a letter.
            var last = word.endIndex
            while last > word.startIndex, case .leet(nil, _) = word[last - 1].unit { last -= 1 }
            var piece = Piece(letters: [], starts: [], ends: [], spacedBefore: sawWhitespace || pieces.isEmpty)
            for (position, item) in word[word.startIndex..<last].enumerated() {
                let byte: UInt8?
                switch item.unit {
                case .letter(let letter): byte = letter
                case .leet(let digit, let letter): byte = hasLetter ? letter : digit
                case .mark(let letter): byte = position == 0 || !hasLetter ? nil : letter
                case .separator, .space, .skip: byte = nil
                }
                guard let byte else { continue }
                // A stretched letter counts once.
                if byte >= 0x61, let last = piece.letters.last, last == byte {
                    piece.ends[piece.ends.count - 1] = item.end
                    continue
                }
                piece.letters.append(byte)
                piece.starts.append(item.start)
                piece.ends.append(item.end)
            }
            if !piece.letters.isEmpty { pieces.append(piece) }
            sawWhitespace = false
            index = end
        }

        // 3. Three or more one-letter pieces in a row are one word (j.u.d.i);
        // when dots split the letters, a space still splits the words.
        var words: [Piece] = []
        var run: [Piece] = []
        func flushRun() {
            if run.count >= 3 {
                let dotted = run.dropFirst().contains { !$0.spacedBefore }
                var joined = run[0]
                joined.loose = true
                for var piece in run.dropFirst() {
                    piece.loose = true
                    if dotted && piece.spacedBefore {
                        words.append(joined)
                        joined = piece
                        continue
                    }
                    if let last = joined.letters.last, last == piece.letters[0], last >= 0x61 {
                        joined.ends[joined.ends.count - 1] = piece.ends[0]
                    } else {
                        joined.letters += piece.letters
                        joined.starts += piece.starts
                        joined.ends += piece.ends
                    }
                }
                words.append(joined)
            } else {
                words += run
            }
            run = []
        }
        for piece in pieces {
            if piece.letters.count == 1 && piece.letters[0] >= 0x61 {
                run.append(piece)
            } else {
                flushRun()
                words.append(piece)
            }
        }
        flushRun()

        // 4. The stream: words joined by single spaces.
        var bytes: [UInt8] = [], starts: [Int32] = [], ends: [Int32] = [], wordStarts: [Int32] = [], wordEnds: [Int32] = [], loose: [Bool] = []
        for (number, word) in words.enumerated() {
            if number > 0 {
                bytes.append(0x20)
                starts.append(ends.last ?? 0)
                ends.append(word.starts[0])
                wordStarts.append(Int32(bytes.count - 1))
                wordEnds.append(Int32(bytes.count))
                loose.append(false)
            }
            let first = Int32(bytes.count), last = first + Int32(word.letters.count)
            bytes += word.letters
            starts += word.starts
            ends += word.ends
            wordStarts += Array(repeating: first, count: word.letters.count)
            wordEnds += Array(repeating: last, count: word.letters.count)
            loose += Array(repeating: word.loose, count: word.letters.count)
        }
        return NormalizedText(bytes: bytes, sourceStart: starts, sourceEnd: ends, wordStart: wordStarts, wordEnd: wordEnds, loose: loose)
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
