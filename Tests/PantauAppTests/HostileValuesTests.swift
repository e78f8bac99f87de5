import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import PantauCore
import SQLKit
import Testing
@testable import PantauApp

/// The start tags of an HTML document as a browser's tokenizer finds them
/// (HTML's tokenization rules for tags, attributes and raw-text elements):
/// enough to see whether a value broke out of its attribute or its text.
struct HTMLStartTags {
    struct Tag { let name: String; let attributes: [(name: String, value: String)] }

    static func parse(_ html: String) -> [Tag] {
        let s = Array(html.unicodeScalars)
        var tags: [Tag] = []
        var i = 0
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0C}" }
        func starts(_ text: String, at index: Int) -> Bool {
            let t = Array(text.unicodeScalars)
            guard index + t.count <= s.count else { return false }
            return (0..<t.count).allSatisfy { String(s[index + $0]).lowercased() == String(t[$0]).lowercased() }
        }
        func skip(past text: String) {
            while i < s.count && !starts(text, at: i) { i += 1 }
            i = min(s.count, i + text.unicodeScalars.count)
        }
        while i < s.count {
            guard s[i] == "<" else { i += 1; continue }
            if starts("<!--", at: i) { i += 4; skip(past: "-->"); continue }
            if i + 1 < s.count && (s[i + 1] == "!" || s[i + 1] == "/" || s[i + 1] == "?") { skip(past: ">"); continue }
            guard i + 1 < s.count, s[i + 1].properties.isAlphabetic else { i += 1; continue }
            i += 1
            var name = ""
            while i < s.count && !isSpace(s[i]) && s[i] != "/" && s[i] != ">" { name.unicodeScalars.append(s[i]); i += 1 }
            var attributes: [(String, String)] = []
            while i < s.count && s[i] != ">" {
                if isSpace(s[i]) || s[i] == "/" { i += 1; continue }
                var attribute = ""
                repeat { attribute.unicodeScalars.append(s[i]); i += 1 } while i < s.count && !isSpace(s[i]) && s[i] != "/" && s[i] != ">" && s[i] != "="
                while i < s.count && isSpace(s[i]) { i += 1 }
                var value = ""
                if i < s.count && s[i] == "=" {
                    i += 1
                    while i < s.count && isSpace(s[i]) { i += 1 }
                    if i < s.count && (s[i] == "\"" || s[i] == "'") {
                        let quote = s[i]
                        i += 1
                        while i < s.count && s[i] != quote { value.unicodeScalars.append(s[i]); i += 1 }
                        i += 1
                    } else {
                        while i < s.count && !isSpace(s[i]) && s[i] != ">" { value.unicodeScalars.append(s[i]); i += 1 }
                    }
                }
                attributes.append((attribute.lowercased(), value))
            }
            i += 1
            let tag = name.lowercased()
            tags.append(Tag(name: tag, attributes: attributes))
            // Raw text and escapable raw text end only at their own end tag.
            if ["script", "style", "textarea", "title"].contains(tag) { skip(past: "</" + tag) }
        }
        return tags
    }
}

@Suite(.serialized) struct HostileValuesTests {
    static let hostile = #"\"'><pwn-x data-pwn=1 onmouseover=alert(1)>PWN</pwn-x><meta http-equiv="refresh" content="0;url=https://evil.example/">"#
    static let hostileURL = #"https://evil.example/a?q="><pwn-x data-pwn=1>&b='x"#

    /// What a page may not contain when values broke out of where they belong.
    static func injections(in html: String) -> [String] {
        var found: [String] = []
        for tag in HTMLStartTags.parse(html) {
            if tag.name == "pwn-x" { found.append("a <pwn-x> element") }
            for (name, value) in tag.attributes {
                if name == "data-pwn" || name == "onmouseover" { found.append("attribute \(name) on <\(tag.name)>") }
                if tag.name == "meta" && name == "http-equiv" { found.append("<meta http-equiv>") }
                if ["href", "src", "action"].contains(name) && value.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("javascript:") {
                    found.append("\(name)=javascript: on <\(tag.name)>")
                }
            }
        }
        return found
    }

    func body(_ object: [String: Any]) throws -> ByteBuffer {
        ByteBuffer(data: try JSONSerialization.data(withJSONObject: object))
    }

    @Test func theTokenizerSeesWhatABrowserWouldSee() {
        #expect(Self.injections(in: #"<p title="a"><pwn-x>"#) == ["a <pwn-x> element"])
        #expect(Self.injections(in: #"<p title=""'><pwn-x data-pwn=1>">"#).count == 2, "an unescaped quote ends the attribute")
        #expect(Self.injections(in: #"<p title="&quot;&#39;&gt;&lt;pwn-x data-pwn=1&gt;">&lt;pwn-x&gt;</p>"#).isEmpty)
        #expect(Self.injections(in: #"<textarea><pwn-x data-pwn=1></textarea><!-- <pwn-x> -->"#).isEmpty)
        #expect(Self.injections(in: #"<a href=" JavaScript:alert(1)">x</a><meta http-equiv=refresh>"#).count == 2)
    }

    @Test func attributeValuesAreEscapedAndOnlyWebSchemesAreLinked() {
        #expect(HTMLAttribute.value(#"a"b'c<d>e&f"#) == "a&quot;b&#39;c&lt;d&gt;e&amp;f")
        #expect(HTMLAttribute.value("plain-value_1") == "plain-value_1")
        for bad in ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "\u{01}javascript:x", "data:text/html,x", "vbscript:x"] {
            #expect(HTMLAttribute.url(bad) == "#", "\(bad.debugDescription) is linked")
        }
        for good in ["https://example.id/a?b=c&d=e", "http://x.example", "mailto:a@b.id", "tel:+62", "/kasus?q=a:b", "?lang=en", "#top", "relative/path:x"] {
            #expect(HTMLAttribute.url(good) == HTMLAttribute.value(good), "\(good) is not linked as it is")
        }
    }

    /// Hostile values stored in every free-text field people can fill, and
    /// sent in every query parameter the pages read; then every page, for
    /// every identity, parsed as a browser would: nothing may break out.
    @Test(arguments: Backend.available)
    func everyPageKeepsHostileValuesInsideTheirAttributesAndText(backend: Backend) async throws {
        try await withAppAndRoutes(backend) { client, routes, accounts, db in
            let h = Self.hostile
            let analyst = try await Staff.make(accounts, "analis.pwn@kominfo.test", .analyst)
            let comms = try await Staff.make(accounts, "humas.pwn@kominfo.test", .comms)
            let connector = try await platformToken(accounts, .tiktok)

            // Stored values: a report, its comment and decision, a campaign, a mention and its reply, an app block, an account.
            let report = try await client.execute(uri: "/api/v1/reports", method: .post, headers: [.contentType: "application/json"], body: try body([
                "url": "https://www.tiktok.com/@pwn/video/7301234567890300077", "category": "perjudian", "description": h,
                "reporter": ["name": h, "email": "pwn@example.id"],
            ]))
            #expect(report.status == .created, "\(report.text)")
            let caseID = try #require((try json(report)["case"] as? [String: Any])?["id"] as? String).lowercased()
            let ticket = try #require(try json(report)["ticket"] as? String)
            let comment = try await client.execute(uri: "/api/v1/cases/\(caseID)/comments", method: .post, headers: analyst.auth, body: try body(["body": h]))
            #expect(comment.status == .created, "\(comment.text)")
            let decided = try await client.execute(uri: "/api/v1/cases/\(caseID)/decisions", method: .post, headers: analyst.auth, body: try body([
                "verdict": "violating", "category": "perjudian", "legal_bases": ["uu-ite-27-2"], "statement": h + " " + statement,
                "public_reason": h, "action": "takedown_order",
            ]))
            #expect(decided.status == .created, "\(decided.text)")
            var campaign = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: comms.auth, body: try body([
                "title": h, "message": String(h.prefix(200)), "media_urls": [Self.hostileURL],
            ]))
            if campaign.status == .unprocessableContent {
                // A media URL with quotes may be refused; the title and message must still be stored.
                campaign = try await client.execute(uri: "/api/v1/campaigns", method: .post, headers: comms.auth,
                                                    body: try body(["title": h, "message": String(h.prefix(200))]))
            }
            #expect(campaign.status == .created, "\(campaign.text)")
            let mentions = try await client.execute(uri: "/api/v1/platforms/tiktok/mentions", method: .post, headers: connector, body: try body([
                "mentions": [["id": "pwn-1", "author": "@warga", "text": "@kemkominfo bagaimana cara melapor? " + h, "created_at": "2026-11-30T10:00:00Z"]],
            ]))
            #expect(mentions.status == .ok || mentions.status == .created, "\(mentions.text)")
            let inbox = try json(try await client.execute(uri: "/api/v1/mentions/inbox", method: .get, headers: comms.auth))
            let mentionID = try #require((inbox["mentions"] as? [[String: Any]])?.first?["id"] as? String)
            var reply = try await client.execute(uri: "/api/v1/mentions/\(mentionID)/reply", method: .post, headers: comms.auth,
                                                 body: try body(["text": h, "reply_url": Self.hostileURL]))
            if reply.status == .unprocessableContent {
                reply = try await client.execute(uri: "/api/v1/mentions/\(mentionID)/reply", method: .post, headers: comms.auth, body: try body(["text": h]))
            }
            #expect(reply.status == .created, "\(reply.text)")
            let block = try await client.execute(uri: "/api/v1/blocks", method: .post, headers: analyst.auth, body: try body([
                "names": ["pwn-app.example"], "reason": h + " " + BlocklistGoldenTests.reason, "legal_bases": ["uu-ite-27-2"],
                "app": ["slug": "pwn-app", "name": h],
            ]))
            #expect(block.status == .created, "\(block.text)")
            let account = try await client.execute(uri: "/api/v1/accounts", method: .post, headers: comms.auth, body: try body([
                "platform": "youtube", "handle": "@pwn", "owner_unit": h,
            ]))
            #expect(account.status == .created, "\(account.text)")

            // Every identity, every HTML page, every id that could fill it, with and without hostile query parameters.
            var identities: [(String, HTTPFields)] = [("anonymous", [:]), ("analyst", analyst.auth), ("comms", comms.auth), ("platform", connector)]
            for role in [Role.admin, .supervisor] {
                identities.append((role.rawValue, try await Staff.make(accounts, "\(role.rawValue).pwn@kominfo.test", role).auth))
            }
            var ids = [caseID]
            for table in ["campaigns", "orders", "block_proposals", "official_accounts", "mentions", "sanctions", "appeals"] {
                let rows = (try? await db.sql.raw("SELECT id FROM \(unsafeRaw: table)").all()) ?? []
                ids += rows.compactMap { try? $0.decode(column: "id", as: UUID.self) }.map(UUIDText.lower)
            }
            let q = h.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let queries = ["", "?q=\(q)&ref=\(q)&next=\(q)",
                           ["q", "ref", "next", "before", "cursor", "after", "status", "platform", "period", "from", "to", "sort", "tab", "category",
                            "channel", "assignee", "zone", "name", "lang"].map { "\($0)=\(q)" }.joined(separator: "&").prefixed("?")]
            var pages = 0
            for entry in routes.entries where entry.method == .get && !entry.path.hasPrefix("/api/") && !entry.path.hasPrefix("/blocklist/") {
                let paths = entry.path.contains(":id") ? ids.map { entry.path.replacingOccurrences(of: ":id", with: $0) } : [entry.path]
                for path in paths {
                    let uri = path.replacingOccurrences(of: ":ticket", with: ticket).replacingOccurrences(of: ":platform", with: "tiktok")
                        .replacingOccurrences(of: ":slug", with: "pwn-app").replacingOccurrences(of: ":sha256", with: String(repeating: "ab", count: 32))
                    for query in queries {
                        for (who, headers) in identities {
                            let response = try await client.execute(uri: uri + query, method: .get, headers: headers)
                            guard response.headers[.contentType]?.hasPrefix("text/html") == true else { continue }
                            pages += 1
                            let found = Self.injections(in: response.text)
                            #expect(found.isEmpty, "GET \(uri + query) as \(who): \(found)")
                        }
                    }
                }
            }
            #expect(pages > 300, "only \(pages) pages were rendered")
            // The stored values did reach the pages (escaped), so the check saw them.
            let campaignID = try #require(try json(campaign)["id"] as? String)
            let campaignPage = try await client.execute(uri: "/kampanye/\(campaignID)", method: .get)
            #expect(campaignPage.status == .ok && campaignPage.text.contains("content=\"\\&quot;&#39;&gt;&lt;pwn-x"), "the title is in <meta content>, escaped")
            let casePage = try await client.execute(uri: "/kasus/\(caseID)", method: .get, headers: analyst.auth)
            #expect(casePage.text.contains("&lt;pwn-x data-pwn=1"), "the hostile description is shown as text")
        }
    }
}

private extension String {
    func prefixed(_ prefix: String) -> String { prefix + self }
}
