import Foundation
import Testing
@testable import PantauCore

@Suite struct DeliveryTests {
    @Test func orderNumbersCountPerWIBDay() {
        // 2026-11-24 18:00 UTC is already 25 November in WIB.
        let evening = Date(timeIntervalSince1970: 1_795_543_200)
        #expect(OrderNumber.make(day: evening, sequence: 7) == "SPT-20261125-0007")
        #expect(OrderNumber.make(day: evening, sequence: 12345) == "SPT-20261125-12345")
    }

    @Test func signatureVerifiesAndRejectsTamperingWrongSecretAndOldTimestamps() {
        let body = Array(#"{"order":"SPT-20261125-0001"}"#.utf8)
        let header = WebhookSignature.header(body: body, secret: "s3cret", timestamp: 1_795_543_200)
        #expect(header.hasPrefix("t=1795543200,v1="))
        #expect(WebhookSignature.verify(header: header, body: body, secret: "s3cret", now: 1_795_543_260))
        #expect(!WebhookSignature.verify(header: header, body: body + [0x20], secret: "s3cret", now: 1_795_543_260))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "other", now: 1_795_543_260))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "s3cret", now: 1_795_543_200 + 301))
        #expect(!WebhookSignature.verify(header: "garbage", body: body, secret: "s3cret", now: 1_795_543_200))
        // A known vector: HMAC-SHA256("key", "1.") computed independently.
        #expect(WebhookSignature.mac(body: [], secret: "key", timestamp: 1) == hexString(HMACReference.sha256(key: "key", message: "1.")))
    }

    @Test func backoffGrowsWithJitterAndIsBounded() {
        var random = SystemRandomNumberGenerator()
        let policy = DeliveryBackoff(base: 5, maximum: 3600, giveUpAfter: 86_400)
        for attempt in 1...12 {
            let ceiling = min(3600, 5 * pow(2, Double(attempt - 1)))
            let delay = policy.delay(afterAttempt: attempt, using: &random)
            #expect(delay >= ceiling / 2 && delay <= ceiling, "attempt \(attempt): \(delay)")
        }
        let first = Date(timeIntervalSince1970: 0)
        #expect(!policy.shouldGiveUp(firstAttemptAt: first, nextAttemptAt: first.addingTimeInterval(86_000)))
        #expect(policy.shouldGiveUp(firstAttemptAt: first, nextAttemptAt: first.addingTimeInterval(86_401)))
    }
}

/// HMAC-SHA256 written out from its definition (RFC 2104), to check the
/// signature against something other than the code under test.
enum HMACReference {
    static func sha256(key: String, message: String) -> [UInt8] {
        var k = Array(key.utf8)
        if k.count > 64 { k = Array(SHA256Reference.hash(k)) }
        k += [UInt8](repeating: 0, count: 64 - k.count)
        let inner = SHA256Reference.hash(k.map { $0 ^ 0x36 } + Array(message.utf8))
        return SHA256Reference.hash(k.map { $0 ^ 0x5c } + inner)
    }
}

import Crypto
enum SHA256Reference {
    static func hash(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}
