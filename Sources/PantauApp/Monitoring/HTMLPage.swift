import CHTMLExtract
import Foundation
import NIOPosix

/// A fetched page read with Debian's libxml2 HTML parser (through the small
/// C wrapper `CHTMLExtract`) — the way a browser reads broken markup, never
/// with patterns over the HTML: its title, its visible text (scripts,
/// styles and templates left out), the links it holds (resolved against the
/// page's address or its `<base>`), and where a `<meta http-equiv="refresh">`
/// sends the reader.
struct HTMLPage: Sendable, Equatable {
    var title: String = ""
    var text: String = ""
    var links: [String] = []
    var refresh: String?

    /// The most text kept from a page (what the matcher reads), in bytes of UTF-8.
    static let maximumText = 200_000
    /// The most links kept from a page.
    static let maximumLinks = 500

    /// `parse` on NIO's blocking pool: a hostile page may keep libxml2 busy
    /// for seconds, which must not hold a thread of Swift's cooperative pool.
    static func parseOffTheCooperativePool(_ bytes: [UInt8], url: String) async throws -> HTMLPage {
        try await NIOThreadPool.singleton.runIfActive { parse(bytes, url: url) }
    }

    /// A fetched answer's page: HTML through the parser, plain text as it is (collapsed).
    static func read(_ body: [UInt8], contentType: String?, url: String) async throws -> HTMLPage {
        guard contentType?.contains("html") == false else { return try await parseOffTheCooperativePool(body, url: url) }
        return HTMLPage(title: "", text: collapse(String(decoding: body.prefix(maximumText * 2), as: UTF8.self)), links: [])
    }

    /// Parses `bytes` (any encoding the page declares; broken markup
    /// recovered; no network access).
    static func parse(_ bytes: [UInt8], url: String) -> HTMLPage {
        var page = HTMLPage()
        guard !bytes.isEmpty else { return page }
        var extracted = pantau_html_page()
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { pointer in
                pantau_html_extract(pointer, buffer.count, url, maximumText, maximumLinks, &extracted)
            }
        }
        defer { pantau_html_free(&extracted) }
        guard status == 0 else { return page }
        func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
            pointer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: strlen($0)), as: UTF8.self) }
        }
        page.title = collapse(string(extracted.title) ?? "")
        page.text = collapse(string(extracted.text) ?? "")
        var base = URL(string: url)
        if let href = string(extracted.base), let resolved = URL(string: href.trimmingCharacters(in: .whitespacesAndNewlines), relativeTo: base)?.absoluteURL {
            base = resolved
        }
        var seen = Set<String>()
        for index in 0..<extracted.link_count {
            if let href = string(extracted.links[index]), let link = resolve(href, base: base), seen.insert(link).inserted { page.links.append(link) }
        }
        if let content = string(extracted.refresh), let target = refreshTarget(content) { page.refresh = resolve(target, base: base) }
        return page
    }

    /// A link as the crawler keeps it: absolute, http or https, without its fragment.
    static func resolve(_ href: String, base: URL?) -> String? {
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 2048, let url = URL(string: trimmed, relativeTo: base)?.absoluteURL,
              let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil,
              var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        components.fragment = nil
        return components.string
    }

    /// `0; url=https://…` → `https://…`.
    static func refreshTarget(_ content: String) -> String? {
        guard let range = content.range(of: "url", options: .caseInsensitive) else { return nil }
        var rest = content[range.upperBound...].drop { $0 == " " }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        let target = rest.trimmingCharacters(in: CharacterSet(charactersIn: "'\" "))
        return target.isEmpty ? nil : target
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
