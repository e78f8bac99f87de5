import Foundation
import PantauCore
import Testing

@Suite struct TransparencyCoreTests {
    @Test func bucketsCoverEverySecondInOrderAndTheSQLFormAgrees() {
        var previous = -1
        for seconds in stride(from: 0, to: 30 * 86_400, by: 47) {
            let bucket = ComplyTimeBucket.of(seconds: Double(seconds))
            #expect(bucket >= previous)
            let range = ComplyTimeBucket.range(bucket)
            #expect(range.lower <= Double(seconds) && Double(seconds) < range.upper, "\(seconds) s in bucket \(bucket)")
            previous = bucket
        }
        #expect(ComplyTimeBucket.of(seconds: -5) == 0)
        #expect(ComplyTimeBucket.sqlExpression(seconds: "x").contains("WHEN CAST(x AS BIGINT) < 3600"))
    }

    @Test func theMedianIsTheMiddleOfTheMedianItemsBucket() {
        // Items at 10 min, 2 h and 3 days: the median is the 2 h one.
        let histogram = [ComplyTimeBucket.of(seconds: 600): 1, ComplyTimeBucket.of(seconds: 7_200): 1, ComplyTimeBucket.of(seconds: 259_200): 1]
        let median = ComplyTimeBucket.median(histogram)!
        #expect(abs(median - 7_200) <= 450)
        #expect(ComplyTimeBucket.median([:]) == nil)
    }

    @Test func weeksStartOnMondayInWIB() {
        // 2026-11-30 is a Monday; 17:30 UTC on Sunday 29th is already Monday 00:30 in WIB.
        let monday = WIBDay.of(QueueFilter.parseDay("2026-11-30")!)
        #expect(WIBDay.text(monday) == "2026-11-30" && WIBDay.week(monday) == monday)
        #expect(WIBDay.week(monday + 6) == monday && WIBDay.week(monday + 7) == monday + 7)
        #expect(WIBDay.of(Date(timeIntervalSince1970: 1_795_973_400)) == monday)
    }

    @Test func figuresHideSmallCountsOfPeopleButNotOfPlatforms() {
        let week = WIBDay.of(QueueFilter.parseDay("2026-11-30")!)
        let rows = [
            TransparencyRow(metric: "reports", week: week, a: "judi", count: 3),
            TransparencyRow(metric: "reports", week: week, a: "judi", count: 4),
            TransparencyRow(metric: "reports", week: week, a: "hoaks", count: 0),
            TransparencyRow(metric: "reports_channel", week: week, a: "web", count: 3),
            TransparencyRow(metric: "reports_channel", week: week, a: "api", count: 4),
            TransparencyRow(metric: "order_items", a: "x", b: "complied", c: "on_time", count: 1),
            TransparencyRow(metric: "order_items", a: "x", b: "overdue", count: 1),
            TransparencyRow(metric: "order_items", a: "x", b: "pending", count: 2),
            TransparencyRow(metric: "appeals", a: "affected_person", b: "open", count: 2),
        ]
        let figures = TransparencyFigures.build(fromDay: week, toDay: week + 7, rows: rows, blocklist: [BlocklistActivity(day: week + 2, added: 8)], listSize: 8)
        let byCategory = figures.cells("reports_by_category")
        #expect(byCategory.first { $0.key == "judi" }?.value == 7, "3 + 4 summed before the check")
        #expect(byCategory.first { $0.key == "hoaks" }?.value == 0 && byCategory.first { $0.key == "hoaks" }?.suppressed == false)
        let byChannel = figures.cells("reports_by_channel")
        #expect(byChannel.first { $0.key == "api" }?.suppressed == true && byChannel.first { $0.key == "api" }?.value == nil)
        #expect(figures.value("orders", key: "x", subkey: "items") == 4 && figures.value("orders", key: "x", subkey: "settled") == 2)
        #expect(figures.value("orders", key: "x", subkey: "on_time_rate") == 0.5)
        #expect(figures.cells("appeals").first?.suppressed == true)
        #expect(figures.cells("blocklist_by_week").first { $0.key == "added" }?.week == "2026-11-30")
        #expect(figures.csv().contains("reports_by_channel,2026-11-30,api,,,true\r\n"))
    }

    @Test func csvQuotesAndDefusesFormulas() {
        #expect(CSVWriter.line(["a", "b,c", "say \"hi\"", "=1+1", "-5", "@x"]) == "a,\"b,c\",\"say \"\"hi\"\"\",'=1+1,-5,'@x\r\n")
    }

    @Test func chartsEscapeTheirText() {
        let svg = SVGChart.stackedWeeks(id: "c", title: "<script>", weeks: ["2026-11-30"], series: [.init(label: "a&b", values: [3])], emptyText: "")
        #expect(svg.hasPrefix("<svg") && svg.contains("&lt;script&gt;") && svg.contains("a&amp;b") && !svg.contains("<script>"))
        #expect(SVGChart.niceCeiling(37) == 50 && SVGChart.niceCeiling(0) == 1 && SVGChart.niceCeiling(100) == 100)
        #expect(SVGChart.bars(id: "e", title: "t", rows: [], emptyText: "kosong").contains("kosong"))
    }
}

@Suite struct OfficialAccountCoreTests {
    @Test func snapshotCSVNamesEveryBadLine() {
        let now = QueueFilter.parseDay("2026-12-01")!
        let text = "platform,handle,taken_at,followers,posts,likes,views\n"
            + "tiktok,@KemKominfo,2026-11-01,1200000,950,,\n"      // 2: fine
            + "myspace,x,2026-11-01,1,,,\n"                         // 3: platform
            + "x,kemkominfo,2026-13-01,1,,,\n"                      // 4: day
            + "x,kemkominfo,2026-11-01,banyak,,,\n"                 // 5: number
            + "x,kemkominfo,2026-11-01,-1,,,\n"                     // 6: negative
            + "x,kemkominfo,2030-01-01,1,,,\n"                      // 7: future
            + "x,kemkominfo,2026-11-01\n"                            // 8: fields
        let (lines, problems) = AccountSnapshotInput.parseCSV(text, now: now, parseTime: QueueFilter.parseDay)
        #expect(lines.count == 1 && lines[0].handle == "kemkominfo" && lines[0].snapshot.posts == 950 && lines[0].snapshot.likes == nil)
        #expect(problems.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(AccountSnapshotInput.parseCSV("a,b\n1,2\n", now: now, parseTime: QueueFilter.parseDay).problems.first?.line == 1)
    }

    @Test func theLineChartDrawsEverySeries() {
        let svg = SVGChart.lines(id: "g", title: "Pengikut", lines: [.init(label: "TikTok", points: [(0, 10), (86_400, 20)]), .init(label: "X <b>", points: [(0, 5)])],
                                 emptyText: "-", dateText: { String(Int($0)) })
        #expect(svg.components(separatedBy: "<polyline").count == 3 && svg.contains("X &lt;b&gt;"))
    }

    @Test func chartsShowWithheldValuesAsSuchAndAtMostEightSeries() {
        // Fifteen categories become the seven largest and "others", each a colour of its own.
        let many = (0..<15).map { SVGChart.Series(label: "c\($0)", values: [Double($0), 1]) }
        let top = SVGChart.topSeries(many, limit: SVGChart.maximumSeries, othersLabel: "Lainnya")
        #expect(top.count == 8 && top.first?.label == "c14" && top.last?.label == "Lainnya")
        #expect(top.last?.values == [Double((0...7).reduce(0, +)), 8], "others sums the rest, week by week")
        #expect(Set(SVGChart.palette).count == SVGChart.palette.count && SVGChart.palette.count == SVGChart.maximumSeries)

        // A week whose only value is withheld is drawn as a dashed 1–4, not as an empty chart.
        let withheld = [SVGChart.Series(label: "judi", values: [nil, 0])]
        let svg = SVGChart.stackedWeeks(id: "w", title: "t", weeks: ["2026-11-23", "2026-11-30"], series: withheld, emptyText: "kosong")
        #expect(svg.contains("stroke-dasharray=\"3 2\"") && svg.contains(": 1–4</title>") && !svg.contains("kosong"))
        #expect(SVGChart.legend(withheld, withheldNote: "1–4 disembunyikan").contains("1–4 disembunyikan"))
        #expect(!SVGChart.legend([SVGChart.Series(label: "a", values: [3])], withheldNote: "1–4 disembunyikan").contains("disembunyikan"))
        let nothing = SVGChart.stackedWeeks(id: "n", title: "t", weeks: ["2026-11-23"], series: [SVGChart.Series(label: "a", values: [0])], emptyText: "kosong")
        #expect(nothing.contains("kosong"))
    }
}
