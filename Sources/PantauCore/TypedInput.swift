import Foundation

/// Numbers and times as people type them into Pantau's forms, in Indonesian
/// habits first: "1.350.000" followers, "5 Desember 2026 09.00", "05/12/2026
/// 9:00 WIB". The API keeps its exact formats; these are for people.
public enum TypedInput {
    /// A whole number, with or without thousands grouping: "1350000",
    /// "1.350.000" (Indonesian), "1,350,000" (English), "1 350 000". Grouping
    /// must be regular (groups of three after the first), so "1.35" — a
    /// decimal to an English reader — is refused rather than read as 135.
    public static func wholeNumber(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 32 else { return nil }
        let separators: Set<Character> = [".", ",", " ", "\u{00A0}", "\u{202F}", "'"]
        let used = Set(trimmed.filter { separators.contains($0) })
        guard used.count <= 1 else { return nil }
        if let separator = used.first {
            let groups = trimmed.split(separator: separator, omittingEmptySubsequences: false)
            guard groups.count >= 2, (1...3).contains(groups[0].count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
        }
        let digits = trimmed.filter { !separators.contains($0) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int64(digits)
    }

    /// Month names and their short forms, Indonesian and English, lower case.
    private static let months: [String: Int] = {
        let names: [[String]] = [
            ["januari", "jan", "january"], ["februari", "feb", "pebruari", "february"], ["maret", "mar", "march"],
            ["april", "apr"], ["mei", "may"], ["juni", "jun", "june"], ["juli", "jul", "july"],
            ["agustus", "agu", "agt", "ags", "aug", "august"], ["september", "sep", "sept"],
            ["oktober", "okt", "oct", "october"], ["november", "nov", "nop", "nopember"], ["desember", "des", "dec", "december"],
        ]
        var table: [String: Int] = [:]
        for (index, words) in names.enumerated() { for word in words { table[word] = index + 1 } }
        return table
    }()

    /// Words that may surround a typed time and carry nothing: day names,
    /// "pukul"/"jam"/"at", the zone (Pantau's times are WIB).
    private static let fillers: Set<String> = [
        "pukul", "pkl", "jam", "at", "wib", "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "tanggal", "tgl",
    ]

    /// A minute in WIB as people write it: "2026-12-05 09:00", "2026-12-05T09:00"
    /// (a browser's date-time picker), "05/12/2026 09.00" (day first),
    /// "5 Desember 2026 pukul 09.00 WIB", "Sabtu, 5 Des 2026 9:00",
    /// "5 December 2026 09:00". An RFC 3339 time with its offset is read as
    /// written. A day without a time is not a minute and gives nil.
    public static func minute(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 80 else { return nil }
        if let exact = QueueFilter.parseMinute(trimmed) ?? RFC3339.parse(trimmed) { return exact }
        guard let (day, rest) = leadingDay(trimmed), let clock = clock(rest) else { return nil }
        return day.addingTimeInterval(Double(clock.hours * 3600 + clock.minutes * 60))
    }

    /// A day (midnight WIB) as people write it: "2026-12-05", "05/12/2026",
    /// "5-12-2026", "5 Desember 2026", "5 Des 2026".
    public static func day(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 60, let (day, rest) = leadingDay(trimmed), words(rest).isEmpty else { return nil }
        return day
    }

    /// Lower-case words of `text`, split at spaces and commas, fillers removed.
    private static func words(_ text: Substring) -> [Substring] {
        text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\u{00A0}" })
            .map { Substring($0) }.filter { !fillers.contains(String($0)) }
    }

    /// The day at the start of `text` and what follows it.
    private static func leadingDay(_ text: String) -> (Date, Substring)? {
        let parts = words(Substring(text))
        guard let first = parts.first else { return nil }
        // One token: 2026-12-05, 05/12/2026, 5-12-2026, 5.12.2026.
        let numbers = first.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        if numbers.count == 3, numbers.allSatisfy({ $0.allSatisfy(\.isNumber) }) {
            let (a, b, c) = (Int(numbers[0]) ?? 0, Int(numbers[1]) ?? 0, Int(numbers[2]) ?? 0)
            let date = numbers[0].count == 4 ? civilDay(year: a, month: b, day: c) : (numbers[2].count == 4 ? civilDay(year: c, month: b, day: a) : nil)
            guard let date else { return nil }
            return (date, Substring(parts.dropFirst().joined(separator: " ")))
        }
        // Three tokens: 5 Desember 2026, or December 5 2026.
        guard parts.count >= 3 else { return nil }
        let date: Date?
        if let d = Int(parts[0]), let m = months[String(parts[1]).trimmingCharacters(in: CharacterSet(charactersIn: "."))], let y = Int(parts[2]), parts[2].count == 4 {
            date = civilDay(year: y, month: m, day: d)
        } else if let m = months[String(parts[0]).trimmingCharacters(in: CharacterSet(charactersIn: "."))], let d = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 {
            date = civilDay(year: y, month: m, day: d)
        } else {
            date = nil
        }
        guard let date else { return nil }
        return (date, Substring(parts.dropFirst(3).joined(separator: " ")))
    }

    /// "09.00", "9:00", "09.00.00", "9:05 pm" → hours and minutes.
    private static func clock(_ text: Substring) -> (hours: Int, minutes: Int)? {
        let parts = words(text)
        guard (1...2).contains(parts.count) else { return nil }
        let pieces = parts[0].split(whereSeparator: { $0 == ":" || $0 == "." })
        guard (2...3).contains(pieces.count), pieces.allSatisfy({ (1...2).contains($0.count) && $0.allSatisfy(\.isNumber) }),
              var hours = Int(pieces[0]), let minutes = Int(pieces[1]), (0..<60).contains(minutes),
              pieces.count == 2 || (Int(pieces[2]).map { (0..<60).contains($0) } ?? false) else { return nil }
        if parts.count == 2 {
            guard (1...12).contains(hours) else { return nil }
            switch parts[1] {
            case "am": if hours == 12 { hours = 0 }
            case "pm": if hours != 12 { hours += 12 }
            default: return nil
            }
        }
        guard (0..<24).contains(hours) else { return nil }
        return (hours, minutes)
    }

    private static func civilDay(year: Int, month: Int, day: Int) -> Date? {
        guard (1900...9999).contains(year), (1...12).contains(month), (1...QueueFilter.daysIn(month: month, year: year)).contains(day) else { return nil }
        return Date(timeIntervalSince1970: Double(QueueFilter.daysFromCivil(year: year, month: month, day: day)) * 86_400 - 7 * 3600)
    }
}

/// Numbers and times written for people, one format per language: Indonesian
/// groups thousands with dots and writes times "22.47 WIB".
public enum HumanFormat {
    /// 1500000 → "1.500.000" (Indonesian) or "1,500,000" (English).
    public static func number(_ value: Int64, english: Bool) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(english ? "," : ".") }
            grouped.append(character)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    public static func number(_ value: Int, english: Bool) -> String { number(Int64(value), english: english) }

    private static let monthsID = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    private static let monthsEN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The day in WIB: "5 Des 2026" / "5 Dec 2026".
    public static func day(_ date: Date, english: Bool) -> String {
        let (year, month, day, _, _) = wibParts(date)
        return "\(day) \((english ? monthsEN : monthsID)[month - 1]) \(year)"
    }

    /// The minute in WIB, written the Indonesian way in both languages:
    /// "5 Des 2026 22.47 WIB".
    public static func minute(_ date: Date, english: Bool) -> String {
        let (_, _, _, hours, minutes) = wibParts(date)
        return day(date, english: english) + " " + clock(hours, minutes) + " WIB"
    }

    /// "22.47" — Indonesian clock notation, used in both languages so one page never mixes two.
    static func clock(_ hours: Int, _ minutes: Int) -> String {
        (hours < 10 ? "0" : "") + String(hours) + "." + (minutes < 10 ? "0" : "") + String(minutes)
    }

    /// A value for an `<input type="datetime-local">`: "2026-12-05T22:47" in WIB.
    public static func pickerMinute(_ date: Date) -> String {
        let (_, _, _, hours, minutes) = wibParts(date)
        return QueueFilter.formatDay(date) + "T" + (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }

    private static func wibParts(_ date: Date) -> (year: Int, month: Int, day: Int, hours: Int, minutes: Int) {
        let seconds = Int((date.timeIntervalSince1970 + 7 * 3600).rounded(.down))
        let days = Int((Double(seconds) / 86_400).rounded(.down))
        let secondOfDay = seconds - days * 86_400
        let stamp = QueueFilter.formatDay(date).split(separator: "-").compactMap { Int($0) }
        return (stamp[0], stamp[1], stamp[2], secondOfDay / 3600, (secondOfDay / 60) % 60)
    }
}
