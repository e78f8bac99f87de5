import Foundation
import NIOCore
import NIOPosix

/// An SMTP server refused a step, or did not answer in time.
struct SMTPError: Error, CustomStringConvertible {
    let description: String
}

/// Sends one plain SMTP message (RFC 5321) to a relay the operator runs —
/// the fallback channel for platforms without a webhook. No TLS and no
/// authentication: the relay is expected on the local network (or
/// localhost), and handles onward delivery.
struct SMTPMailer: Sendable {
    let host: String
    let port: Int
    let from: String
    var heloName = "pantau.local"
    var timeout: Duration = .seconds(20)

    /// `smtp://host[:port]` (port 25 by default).
    init?(url: String, from: String) {
        guard let components = URLComponents(string: url), components.scheme == "smtp", let host = components.host, !host.isEmpty else { return nil }
        self.host = host
        self.port = components.port ?? 25
        self.from = from
    }

    func send(to recipient: String, message: String) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await converse(to: recipient, message: message) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SMTPError(description: "SMTP \(host):\(port) did not finish within \(timeout)")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func converse(to recipient: String, message: String) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = SMTPReplyReader(inbound.makeAsyncIterator())
            func step(_ command: String?, expect codes: Set<Int>) async throws {
                if let command { try await outbound.write(ByteBuffer(string: command + "\r\n")) }
                let reply = try await replies.next()
                guard codes.contains(reply.code) else {
                    throw SMTPError(description: "SMTP \(command.map { $0.split(separator: ":").first.map(String.init) ?? $0 } ?? "greeting") answered \(reply.code) \(reply.text)")
                }
            }
            try await step(nil, expect: [220])
            try await step("EHLO \(heloName)", expect: [250])
            try await step("MAIL FROM:<\(from)>", expect: [250])
            try await step("RCPT TO:<\(recipient)>", expect: [250, 251])
            try await step("DATA", expect: [354])
            try await step(Self.dotStuffed(message) + "\r\n.", expect: [250])
            try? await step("QUIT", expect: [221])
        }
    }

    /// Lines that start with "." get another one (RFC 5321 §4.5.2); line
    /// ends become CRLF.
    static func dotStuffed(_ message: String) -> String {
        message.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
    }
}

/// Reads SMTP replies (possibly multi-line, `250-…` then `250 …`) off a byte stream.
struct SMTPReplyReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    mutating func next() async throws -> (code: Int, text: String) {
        var text: [String] = []
        while true {
            let line = try await nextLine()
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw SMTPError(description: "SMTP sent an unreadable reply: \(line.prefix(80))") }
            text.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] != "-" { return (code, text.joined(separator: " ")) }
        }
    }

    private mutating func nextLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard pending.count < 64 * 1024, let buffer = try await iterator.next() else {
                throw SMTPError(description: "SMTP connection closed before a complete reply")
            }
            pending += Array(buffer.readableBytesView)
        }
    }
}

/// The e-mail form of a takedown order: a readable summary and the signed
/// JSON body (the same bytes as the webhook, signature in the headers),
/// both base64 so no line is too long for SMTP.
enum OrderMail {
    /// The mail for an outbox message (the webhook JSON body).
    static func forOrder(body: String, from: String, to: String, liaison: String?, signature: String?, idempotencyKey: String,
                         date: Date) throws -> String {
        struct Order: Decodable {
            struct Item: Decodable {
                let subject_key: String
                let url: String
                let category: String
                let legal_bases: [String]
                let public_reason: String
                let deadline_hours: Int?
            }
            let number: String
            let deadline_hours: Int
            let items: [Item]
        }
        let order = try JSONDecoder().decode(Order.self, from: Data(body.utf8))
        var lines = [
            "Kepada \(liaison ?? "penghubung platform") / To \(liaison ?? "platform liaison"),", "",
            "Surat Perintah Takedown \(order.number): \(order.items.count) konten harus diturunkan dalam \(order.deadline_hours) jam sejak surat ini diterima.",
            "Takedown order \(order.number): \(order.items.count) items must be taken down within \(order.deadline_hours) hours of receipt.",
            "Jawab setiap butir melalui API atau portal Pantau / Answer each item through the Pantau API or portal.", "",
        ]
        for (index, item) in order.items.enumerated() {
            lines.append("\(index + 1). \(item.subject_key)")
            lines.append("   \(item.url)")
            lines.append("   \(item.category) · \(item.legal_bases.joined(separator: ", ")) · \(item.deadline_hours ?? order.deadline_hours) h")
            lines.append("   \(item.public_reason)")
        }
        lines += ["", "Lampiran order.json: isi perintah yang sama dengan webhook (Idempotency-Key: \(idempotencyKey))."]
        return message(from: from, to: to, subject: "Surat Perintah Takedown \(order.number) (\(order.items.count) butir)",
                       summary: lines.joined(separator: "\n"), json: body, signature: signature, idempotencyKey: idempotencyKey, date: date)
    }

    static func message(from: String, to: String, subject: String, summary: String, json: String, signature: String?,
                        idempotencyKey: String, date: Date) -> String {
        let boundary = "pantau-" + idempotencyKey
        func base64Lines(_ text: String) -> String {
            let encoded = Data(text.utf8).base64EncodedString()
            return stride(from: 0, to: encoded.count, by: 76).map { start -> String in
                let begin = encoded.index(encoded.startIndex, offsetBy: start)
                let end = encoded.index(begin, offsetBy: min(76, encoded.count - start))
                return String(encoded[begin..<end])
            }.joined(separator: "\r\n")
        }
        let encodedSubject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        var headers: [String] = [
            "From: \(from)", "To: \(to)", "Subject: \(encodedSubject)", "Date: \(rfc5322Date(date))",
            "Message-ID: <\(idempotencyKey)@pantau>", "Idempotency-Key: \(idempotencyKey)",
        ]
        if let signature { headers.append("Pantau-Signature: \(signature)") }
        let parts: [String] = [
            "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "",
            "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", base64Lines(summary),
            "--\(boundary)", "Content-Type: application/json; charset=utf-8", "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"order.json\"", "", base64Lines(json),
            "--\(boundary)--", "",
        ]
        return (headers + parts).joined(separator: "\r\n")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
