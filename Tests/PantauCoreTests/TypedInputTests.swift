import Foundation
import Testing
@testable import PantauCore

/// Numbers and times as people type them.
struct TypedInputTests {
    @Test(arguments: [
        ("1350000", Int64(1_350_000)), ("1.350.000", 1_350_000), ("1,350,000", 1_350_000), ("1 350 000", 1_350_000),
        (" 12.000 ", 12_000), ("999", 999), ("0", 0), ("1.000", 1_000),
    ])
    func groupedNumbersAreRead(text: String, expected: Int64) {
        #expect(TypedInput.wholeNumber(text) == expected)
    }

    @Test(arguments: ["1.35", "1.35.000", "12 ribu", "", "-5", "1.000,5", "1,000.000", "abc", "1..000", "١٢٣"])
    func irregularNumbersAreRefused(text: String) {
        #expect(TypedInput.wholeNumber(text) == nil, "\(text)")
    }

    @Test(arguments: [
        "2026-12-05 09:00", "2026-12-05T09:00", "05/12/2026 09.00", "5-12-2026 9:00", "5 Desember 2026 09.00",
        "5 Des 2026 9.00", "Sabtu, 5 Desember 2026 pukul 09.00 WIB", "5 December 2026 09:00", "December 5, 2026 9:00 am",
        "5 Des. 2026, 09.00", "2026-12-05T02:00:00Z", "5 desember 2026 jam 09.00.00",
    ])
    func theWaysPeopleWriteATimeAreOneMinuteInWIB(text: String) {
        #expect(TypedInput.minute(text) == QueueFilter.parseMinute("2026-12-05 09:00"), "\(text)")
    }

    @Test(arguments: ["5 Desember 2026", "31 Februari 2026 09.00", "2026-12-05 25:00", "kemarin sore", "5 Desember 09.00", "13:00 pm", "09.00", ""])
    func unreadableTimesAreRefused(text: String) {
        #expect(TypedInput.minute(text) == nil, "\(text)")
    }

    @Test func daysAndFormatsReadBack() {
        #expect(TypedInput.day("5 Desember 2026") == QueueFilter.parseDay("2026-12-05"))
        #expect(TypedInput.day("05/12/2026") == QueueFilter.parseDay("2026-12-05"))
        #expect(TypedInput.day("5 Desember 2026 09.00") == nil, "a day with a time is not a day")
        let minute = QueueFilter.parseMinute("2026-12-05 22:47")!
        #expect(HumanFormat.minute(minute, english: false) == "5 Des 2026 22.47 WIB")
        #expect(HumanFormat.minute(minute, english: true) == "5 Dec 2026 22.47 WIB")
        #expect(TypedInput.minute(HumanFormat.minute(minute, english: false)) == minute, "what Pantau writes, it reads")
        #expect(HumanFormat.pickerMinute(minute) == "2026-12-05T22:47")
        #expect(HumanFormat.number(1_500_000, english: false) == "1.500.000" && HumanFormat.number(1_500_000, english: true) == "1,500,000")
        #expect(HumanFormat.number(-1_000, english: false) == "-1.000" && HumanFormat.number(999, english: false) == "999")
    }
}
