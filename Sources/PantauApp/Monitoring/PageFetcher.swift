import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// How monitoring fetches a web page (the crawler, the re-checks): every
/// request through `OutboundHTTP` (the outbound guard on each hop),
/// redirects followed by hand and recorded, at most `maximumRedirects`, a
/// loop a failure; only HTML and plain text read (judged by the answer's
/// content type before any of its body is), at most `maximumBytes`; each
/// hop's whole answer within `timeout`, so a fetch takes at most
/// `maximumRedirects + 1` timeouts.
struct PageFetcher: Sendable {
    var timeout: TimeAmount
    var maximumBytes: Int
    var maximumRedirects: Int
    var userAgent: String

    struct Hop: Codable, Sendable, Equatable {
        let url: String
        let status: Int
    }

    /// What one fetch came to.
    struct Fetched: Sendable {
        var hops: [Hop] = []
        var finalURL: String
        var status: Int?
        var contentType: String?
        var body: [UInt8]?
        var failure: String?
        var skipped: String?
        /// The last host's name resolved to no address.
        var unresolvable = false
    }

    /// GET `url`, following redirects by hand; nothing here throws: what went wrong is in the answer.
    func fetch(_ url: String, client: OutboundHTTP) async -> Fetched {
        var current = url
        var result = Fetched(finalURL: url)
        var visited: Set<String> = [url]
        for _ in 0...maximumRedirects {
            var request = HTTPClientRequest(url: current)
            request.method = .GET
            request.headers.add(name: "User-Agent", value: userAgent)
            request.headers.add(name: "Accept", value: "text/html, text/plain;q=0.9")
            let answer = await exchange(request, client: client)
            switch answer {
            case .failure(let message, let unresolvable):
                result.failure = message
                result.unresolvable = unresolvable
                result.finalURL = current
                return result
            case .success(let status, let headers, let body):
                if (300..<400).contains(status), let location = headers.first(name: "location"),
                   let next = HTMLPage.resolve(location, base: URL(string: current)) {
                    result.hops.append(Hop(url: current, status: status))
                    guard visited.insert(next).inserted else {
                        result.failure = "redirect loop"
                        result.finalURL = next
                        return result
                    }
                    current = next
                    continue
                }
                result.finalURL = current
                result.status = status
                let type = headers.first(name: "content-type")?.lowercased()
                result.contentType = type
                guard (200..<300).contains(status) else {
                    result.failure = "HTTP \(status)"
                    return result
                }
                guard Self.isReadable(type) else {
                    result.skipped = "not HTML or text (\(type?.prefix(60) ?? ""))"
                    return result
                }
                result.body = body
                return result
            }
        }
        result.failure = "more than \(maximumRedirects) redirects"
        result.finalURL = current
        return result
    }

    /// HTML or plain text (or no type said): what monitoring reads.
    static func isReadable(_ contentType: String?) -> Bool {
        guard let type = contentType?.lowercased() else { return true }
        return type.hasPrefix("text/html") || type.hasPrefix("text/plain") || type.hasPrefix("application/xhtml")
    }

    private enum Exchange: Sendable {
        case success(Int, HTTPHeaders, [UInt8]?)
        case failure(String, unresolvable: Bool)
    }

    /// One request, the whole answer within the timeout, the body within the cap (read only for a 2xx page).
    private func exchange(_ request: HTTPClientRequest, client: OutboundHTTP) async -> Exchange {
        let limit = maximumBytes, deadline = timeout
        do {
            return try await withThrowingTaskGroup(of: Exchange?.self) { group in
                group.addTask {
                    let response: HTTPClientResponse
                    do {
                        response = try await client.execute(request, timeout: deadline)
                    } catch let failure as OutboundHTTP.Failure {
                        return .failure(failure.description, unresolvable: failure.unresolvable)
                    } catch {
                        return .failure(OutboundHTTP.describe(error), unresolvable: false)
                    }
                    let status = Int(response.status.code)
                    // Only a page's body is read: a video or a download is never pulled in.
                    guard (200..<300).contains(status), Self.isReadable(response.headers.first(name: "content-type")) else {
                        return .success(status, response.headers, nil)
                    }
                    do {
                        let body = try await response.body.collect(upTo: limit)
                        return .success(status, response.headers, Array(buffer: body))
                    } catch is NIOTooManyBytesError {
                        return .failure("the page is larger than \(limit / 1024) KiB", unresolvable: false)
                    } catch {
                        return .failure("the page was cut off", unresolvable: false)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(deadline.nanoseconds))
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first ?? .failure("timed out", unresolvable: false)
            }
        } catch {
            return .failure("timed out", unresolvable: false)
        }
    }
}
