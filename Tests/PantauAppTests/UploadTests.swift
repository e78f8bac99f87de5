import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import Testing
@testable import PantauApp
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a live test server, to send a request head
/// (and as much body as wanted) and see whether the server answers before
/// the rest of the body arrives.
final class RawConnection {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CancellationError() }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + sent, bytes.count - sent) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// The status line and headers, or nil when none came within `seconds`.
    func readHead(within seconds: Double) -> String? {
        var received: [UInt8] = []
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, 4096) }
            if n <= 0 { break }
            received += buffer[0..<n]
            if let text = String(bytes: received, encoding: .utf8), let end = text.range(of: "\r\n\r\n") { return String(text[..<end.lowerBound]) }
        }
        return nil
    }

    deinit { close(descriptor) }
}

@Suite(.serialized) struct UploadTests {
    func csrf(_ client: any TestClientProtocol) async throws -> (token: String, cookie: String) {
        let form = try await client.execute(uri: "/lapor", method: .get)
        let cookie = try #require(form.headers[.setCookie])
        let marker = "name=\"_csrf\" value=\""
        let start = try #require(form.text.range(of: marker)).upperBound
        return (String(form.text[start...].prefix { $0 != "\"" }), String(cookie.split(separator: ";")[0]))
    }

    func formHead(boundary: String, length: Int, cookie: String?) -> String {
        "POST /lapor HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\n"
            + "Content-Length: \(length)\r\n" + (cookie.map { "Cookie: \($0)\r\n" } ?? "") + "\r\n"
    }

    func field(_ boundary: String, _ name: String, _ value: String) -> String {
        "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
    }

    func incomingFiles(_ env: TestEnvironment) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: env.configuration.dataDirectory + "/evidence/incoming")) ?? []
    }

    @Test func everyEvidenceTypeDecodesAndBrokenOrHugeOnesAreRefused() {
        let whole: [(String, [UInt8], EvidenceInspection)] = [
            ("image/png", EvidenceFixtures.png, .whole(width: 3, height: 2)),
            ("image/jpeg", EvidenceFixtures.jpeg, .whole(width: 3, height: 2)),
            ("image/gif", EvidenceFixtures.gif, .whole(width: 3, height: 2)),
            ("image/webp", EvidenceFixtures.webpLossy, .whole(width: 3, height: 2)),
            ("image/webp", EvidenceFixtures.webpLossless, .whole(width: 3, height: 2)),
            ("image/webp", EvidenceFixtures.webpAnimated, .whole(width: 3, height: 2)),
            ("application/pdf", EvidenceFixtures.pdf, .whole(width: 0, height: 0)),
        ]
        var random = SystemRandomNumberGenerator()
        for (type, bytes, expected) in whole {
            #expect(EvidenceType.sniff(bytes) == type)
            #expect(EvidenceStore.inspect(bytes, mediaType: type) == expected, "\(type)")
            // The signature followed by noise, as in the attack: refused.
            let noise = Array(bytes.prefix(12)) + (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(EvidenceStore.inspect(noise, mediaType: type) == .broken, "\(type) signature + noise")
            // Cut short: refused.
            #expect(EvidenceStore.inspect(Array(bytes.dropLast(8)), mediaType: type) == .broken, "\(type) truncated")
        }
        // One flipped bit inside a PNG's pixel data fails its CRC.
        var flipped = EvidenceFixtures.png
        flipped[flipped.count - 20] ^= 0x01
        #expect(EvidenceStore.inspect(flipped, mediaType: "image/png") == .broken)
        // Headers that claim a picture far larger than any screenshot.
        #expect(EvidenceStore.inspect(EvidenceFixtures.pngHuge, mediaType: "image/png") == .tooLarge)
        var hugeJPEG = EvidenceFixtures.jpeg
        let frame = try! #require(hugeJPEG.indices.first { hugeJPEG[$0] == 0xFF && hugeJPEG[$0 + 1] == 0xC0 })
        hugeJPEG.replaceSubrange(frame + 5...frame + 8, with: [0xEA, 0x60, 0xEA, 0x60]) // 60,000 × 60,000
        #expect(EvidenceStore.inspect(hugeJPEG, mediaType: "image/jpeg") == .tooLarge)
        let store = EvidenceStore(dataDirectory: "/nonexistent", maxBytes: 1 << 20)
        #expect(store.check(Array(EvidenceFixtures.png.prefix(8)) + Array(repeating: 7, count: 4_096))?.code == "broken_file")
        #expect(store.check(EvidenceFixtures.pngHuge)?.code == "image_too_large")
        #expect(store.check(EvidenceFixtures.png) == nil)
    }

    @Test(arguments: Backend.available)
    func theFormChecksItsTokenAndSizeBeforeReadingTheBody(backend: Backend) async throws {
        try await withApp(backend, testing: .live) { client, env, db in
            let port = try #require(client.port)
            let boundary = "PantauRaw\(Int.random(in: 1000...9999))"
            // No CSRF cookie, 100 MiB announced, not a byte of body sent: refused at once.
            let anonymous = try RawConnection(port: port)
            anonymous.send(formHead(boundary: boundary, length: 100 * 1024 * 1024, cookie: nil))
            let refused = try #require(anonymous.readHead(within: 5), "the server waited for the body")
            #expect(refused.hasPrefix("HTTP/1.1 403"), "\(refused)")

            // With a valid cookie, a declared size over the limit (ten files and the text): 413 at once.
            let (token, cookie) = try await csrf(client)
            let oversized = try RawConnection(port: port)
            oversized.send(formHead(boundary: boundary, length: 1 << 30, cookie: cookie))
            let tooLarge = try #require(oversized.readHead(within: 5), "the server waited for the body")
            #expect(tooLarge.hasPrefix("HTTP/1.1 413"), "\(tooLarge)")
            // The JSON API too refuses a body declared too large before reading it.
            let json = try RawConnection(port: port)
            json.send("POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(1 << 30)\r\n\r\n")
            #expect(json.readHead(within: 5)?.hasPrefix("HTTP/1.1 413") == true)

            // A first field that is not the form's token: 403 after that field, the rest never read.
            let forged = try RawConnection(port: port)
            forged.send(formHead(boundary: boundary, length: 20 * 1024 * 1024, cookie: cookie))
            forged.send(field(boundary, "_csrf", "forged." + String(repeating: "0", count: 64)) + "--\(boundary)\r\n")
            let forbidden = try #require(forged.readHead(within: 5), "the server waited for the body")
            #expect(forbidden.hasPrefix("HTTP/1.1 403"), "\(forbidden)")
            // The token first, then a file that never ends: nothing is filed, and once
            // the connection drops, nothing stays on disk.
            do {
                let partial = try RawConnection(port: port)
                partial.send(formHead(boundary: boundary, length: 20 * 1024 * 1024, cookie: cookie))
                partial.send(field(boundary, "_csrf", token) + "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"a.png\"\r\n\r\n")
                partial.send(EvidenceFixtures.png + Array(repeating: 0, count: 200_000))
                try await Task.sleep(for: .milliseconds(200))
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(incomingFiles(env).isEmpty, "a dropped upload leaves nothing in incoming/")
            #expect(try await db.intakeCounts().values.reduce(0, +) == 0)
            _ = token
        }
    }

    @Test(arguments: Backend.available)
    func uploadsAreCappedAtOnceAndPerAddress(backend: Backend) async throws {
        try await withApp(backend, testing: .live, configure: { $0.maxConcurrentUploads = 1; $0.uploadsPerAddressPerHour = 3 }) { client, _, _ in
            let port = try #require(client.port)
            let (token, cookie) = try await csrf(client)
            let boundary = "PantauRaw\(Int.random(in: 1000...9999))"
            // One upload streams slowly and holds the only slot.
            var slow: RawConnection? = try RawConnection(port: port)
            slow?.send(formHead(boundary: boundary, length: 5 * 1024 * 1024, cookie: cookie))
            slow?.send(field(boundary, "_csrf", token) + "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"a.png\"\r\n\r\n")
            try await Task.sleep(for: .milliseconds(300))
            let busy = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: EvidenceFixtures.png))
            #expect(busy.status == .serviceUnavailable, "\(busy.text)")
            #expect(busy.headers[.retryAfter] != nil)
            #expect((try busy.json()["error"] as? [String: Any])?["code"] as? String == "uploads_busy")
            let busyForm = try RawConnection(port: port)
            busyForm.send(formHead(boundary: boundary, length: 1_000, cookie: cookie))
            #expect(busyForm.readHead(within: 5)?.hasPrefix("HTTP/1.1 503") == true)

            // The slow one gives up; its slot is free again.
            slow = nil
            var status = HTTPResponse.Status.serviceUnavailable
            for _ in 0..<50 where status == .serviceUnavailable {
                try await Task.sleep(for: .milliseconds(100))
                status = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: EvidenceFixtures.png)).status
            }
            #expect(status == .created)
            // Three files an hour from one address: the fourth is refused with a time to wait.
            for _ in 0..<2 {
                let accepted = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: EvidenceFixtures.gif))
                #expect(accepted.status == .created)
            }
            let limited = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: EvidenceFixtures.jpeg))
            #expect(limited.status == .tooManyRequests, "\(limited.text)")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 3_000)
        }
    }

    @Test(arguments: Backend.available)
    func brokenImagesAreRefusedEverywhereAndWriteNothing(backend: Backend) async throws {
        try await withApp(backend) { client, env, db in
            let fake = Array(EvidenceFixtures.png.prefix(8)) + (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let api = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: fake))
            #expect(api.status == .unprocessableContent)
            #expect((try api.json()["error"] as? [String: Any])?["code"] as? String == "broken_file")

            let (token, cookie) = try await csrf(client)
            let boundary = "PantauForm\(Int.random(in: 1000...9999))"
            var body = Array((field(boundary, "_csrf", token) + field(boundary, "target", "https://judi.example/slot")
                + field(boundary, "category", "perjudian")
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"bukti.png\"\r\nContent-Type: image/png\r\n\r\n").utf8)
            body += fake + Array("\r\n--\(boundary)--\r\n".utf8)
            let form = try await client.execute(uri: "/lapor", method: .post,
                                                headers: [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie],
                                                body: ByteBuffer(bytes: body))
            #expect(form.status == .unprocessableContent)
            #expect(form.text.contains("bukan PNG yang utuh"), "the reason is given beside the field")
            #expect(form.text.contains("https://judi.example/slot"), "what was typed is kept")
            #expect(try await db.intakeCounts().values.reduce(0, +) == 0)
            #expect(incomingFiles(env).isEmpty)
            let stored = FileManager.default.enumerator(atPath: env.configuration.dataDirectory + "/evidence")?.allObjects
                .compactMap { $0 as? String }.filter { $0.count > 60 } ?? []
            #expect(stored.isEmpty, "no evidence file was kept: \(stored)")
        }
    }

    @Test(arguments: Backend.available)
    func evidenceNoReportNamesIsRemovedAfterItsGracePeriod(backend: Backend) async throws {
        try await withApp(backend) { client, env, db in
            let orphan = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: EvidenceFixtures.gif))
            let named = try await client.execute(uri: "/api/v1/evidence", method: .post, body: ByteBuffer(bytes: EvidenceFixtures.png))
            let orphanSHA = try #require(try orphan.json()["sha256"] as? String)
            let namedSHA = try #require(try named.json()["sha256"] as? String)
            let report = try await client.postJSON("/api/v1/reports",
                                                   #"{"url":"https://judi.example/a","category":"perjudian","evidence":["\#(namedSHA)"]}"#)
            #expect(report.status == .created, "\(report.text)")
            let store = EvidenceStore(dataDirectory: env.configuration.dataDirectory, maxBytes: 1 << 20)
            // A stray file in incoming/ from an upload cut off long ago.
            try FileManager.default.createDirectory(atPath: store.incomingDirectory, withIntermediateDirectories: true)
            let stray = store.incomingDirectory + "/stray"
            FileManager.default.createFile(atPath: stray, contents: Data([1, 2, 3]),
                                           attributes: [.modificationDate: Date().addingTimeInterval(-7_200)])

            // Within the grace period nothing goes.
            let early = EvidenceLedger(database: db, store: store, clock: FixedClock(Date().addingTimeInterval(3_600)), grace: 24 * 3_600)
            #expect(try await early.removeOrphans() == 0)
            #expect(store.lookup(orphanSHA) != nil)
            // After it, the file no report names is removed; the named one stays.
            let late = EvidenceLedger(database: db, store: store, clock: FixedClock(Date().addingTimeInterval(25 * 3_600)), grace: 24 * 3_600)
            #expect(try await late.removeOrphans() == 1)
            #expect(store.lookup(orphanSHA) == nil)
            #expect(store.lookup(namedSHA) != nil)
            #expect(try await db.count("evidence_uploads") == 0, "both uploads are settled")
            #expect(!FileManager.default.fileExists(atPath: stray))
        }
    }
}

/// What Schemathesis found that the other tests had not.
@Suite(.serialized) struct APIDescriptionFindingsTests {
    @Test(arguments: Backend.available)
    func aQueueCursorBeyondAnyCountIsAnsweredNotTrappedOn(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            let analyst = try await Staff.make(accounts, "analis.cursor@kominfo.test", .analyst)
            _ = try await fileReport(client, url: "https://www.tiktok.com/@a/video/7301234567890777001", category: "perjudian")
            for value in ["2.9591e68", "-2.9591e68", "9223372036854775807", "1.5"] {
                let response = try await client.execute(uri: "/api/v1/cases?sort=most_reported&after=\(value)_17efbefe-9f88-40ae-12fe-867c7cb1beec",
                                                        method: .get, headers: analyst.auth)
                #expect(response.status == .ok, "\(value): \(response.text)")
            }
            // Values the description does not allow are refused, not guessed at.
            for bad in ["inf_17efbefe-9f88-40ae-12fe-867c7cb1beec", "0x1p3_17efbefe-9f88-40ae-12fe-867c7cb1beec", "+1_17efbefe-9f88-40ae-12fe-867c7cb1beec"] {
                let response = try await client.execute(uri: "/api/v1/cases?after=\(bad)", method: .get, headers: analyst.auth)
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test(arguments: Backend.available)
    func periodsTakeOneDayOrNoneAndCheckEveryDayGiven(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, _, accounts, _ in
            let supervisor = try await Staff.make(accounts, "sup.period@kominfo.test", .supervisor)
            for query in ["period=custom", "period=custom&from=2026-01-01", "period=custom&to=2026-06-30", "period=", "from=2026-01-01"] {
                for path in ["/api/v1/compliance", "/api/v1/transparency", "/api/v1/trends"] {
                    let response = try await client.execute(uri: "\(path)?\(query)", method: .get, headers: supervisor.auth)
                    #expect(response.status == .ok, "\(path)?\(query): \(response.text)")
                }
            }
            // A day that is no day is refused whatever the period.
            for path in ["/api/v1/compliance", "/api/v1/transparency", "/api/v1/trends"] {
                let response = try await client.execute(uri: "\(path)?period=month&to=kemarin", method: .get, headers: supervisor.auth)
                #expect(response.status == .badRequest, "\(path): \(response.text)")
            }
        }
    }
}
