import FluentKit
import Foundation
import PantauCore
import SQLKit

/// When evidence files were uploaded, so files no report names can be
/// removed after a grace period (someone may upload evidence first and file
/// the report naming it later, as the API allows). Without it an anonymous
/// client could fill the disk with files nobody ever looks at.
struct EvidenceLedger: Sendable {
    let database: PantauDatabase
    let store: EvidenceStore
    let clock: any PantauClock
    /// How long an uploaded file waits for a report to name it.
    var grace: TimeInterval = 24 * 3600

    /// Notes uploads (again: a second upload of the same file restarts its
    /// grace period).
    func recordUploads(_ files: [StoredEvidence]) async throws {
        guard !files.isEmpty else { return }
        let now = Int64(clock.now().timeIntervalSince1970 * 1000)
        try await database.writeTransaction { db in
            let sql = db as! any SQLDatabase
            for file in files {
                try await sql.raw("""
                    INSERT INTO evidence_uploads (sha256, uploaded_at_ms) VALUES (\(bind: file.sha256), \(bind: now))
                    ON CONFLICT (sha256) DO UPDATE SET uploaded_at_ms = excluded.uploaded_at_ms
                    """).run()
            }
        }
    }

    /// Removes up to `limit` files uploaded before the grace period that no
    /// report names, and forgets uploads a report has since named. Also
    /// clears `incoming/` of files an interrupted upload left behind.
    /// Returns how many files were removed.
    @discardableResult
    func removeOrphans(limit: Int = 500) async throws -> Int {
        let now = clock.now().timeIntervalSince1970
        let cutoff = Int64((now - grace) * 1000)
        try await database.writeTransaction { db in
            try await (db as! any SQLDatabase).raw("""
                DELETE FROM evidence_uploads WHERE uploaded_at_ms < \(bind: cutoff)
                AND EXISTS (SELECT 1 FROM report_evidence r WHERE r.sha256 = evidence_uploads.sha256)
                """).run()
        }
        let candidates = try await database.sql.raw("""
            SELECT sha256 FROM evidence_uploads WHERE uploaded_at_ms < \(bind: cutoff) ORDER BY uploaded_at_ms LIMIT \(unsafeRaw: String(limit))
            """).all().map { try $0.decode(column: "sha256", as: String.self) }
        var removed = 0
        for sha256 in candidates {
            // Checked again inside the write that forgets it: a report that
            // named the file meanwhile keeps it.
            let orphaned = try await database.writeTransaction { db in
                try await (db as! any SQLDatabase).raw("""
                    DELETE FROM evidence_uploads WHERE sha256 = \(bind: sha256) AND uploaded_at_ms < \(bind: cutoff)
                    AND NOT EXISTS (SELECT 1 FROM report_evidence r WHERE r.sha256 = \(bind: sha256)) RETURNING sha256
                    """).all().count == 1
            }
            if orphaned {
                store.remove(sha256)
                removed += 1
            }
        }
        removeStaleIncoming(olderThan: now - 3600)
        return removed
    }

    private func removeStaleIncoming(olderThan limit: TimeInterval) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: store.incomingDirectory) else { return }
        for name in names {
            let path = store.incomingDirectory + "/" + name
            if let modified = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date, modified.timeIntervalSince1970 < limit {
                unlink(path)
            }
        }
    }
}

/// The worker's janitor for evidence: runs the orphan sweep once an hour.
actor EvidenceJanitor {
    let ledger: EvidenceLedger
    var interval: TimeInterval = 3600
    private var lastRun: Date?

    init(ledger: EvidenceLedger) { self.ledger = ledger }

    func runDue() async throws -> Int {
        let now = ledger.clock.now()
        if let lastRun, now.timeIntervalSince(lastRun) < interval { return 0 }
        lastRun = now
        return try await ledger.removeOrphans()
    }
}
