import Foundation

/// Case priority: higher is more urgent.
///
///     priority = severity × (1 + ln(reports)) × (1 + ln(1 + ageHours / 24))
///
/// - severity: 1…5 from the case's category;
/// - reports: number of reports joined to the case (≥ 1); the logarithm makes
///   the thousandth report matter less than the second, so a brigade cannot
///   bury a single report of child abuse material;
/// - age: hours since the first report, so old cases rise slowly instead of
///   starving. A new case with one report has priority = severity.
public enum CasePriority {
    public static func score(severity: Int, reportCount: Int, firstReportAt: Date, now: Date) -> Double {
        let reports = Double(max(reportCount, 1))
        let ageHours = max(0, now.timeIntervalSince(firstReportAt) / 3600)
        let raw = Double(max(severity, 1)) * (1 + log(reports)) * (1 + log(1 + ageHours / 24))
        return (raw * 1000).rounded() / 1000
    }
}
