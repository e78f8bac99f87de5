import FluentKit
import Foundation
import PantauCore

/// "Why is this blocked?": the entry that blocks a name (itself, or the
/// nearest parent blocked with its subdomains, or its IP), or the allow-list
/// entry that keeps it open.
struct BlockCheck: Sendable {
    let database: PantauDatabase
    let normalizer: BlockNameNormalizer
    /// When loaded, names that are not blocked are answered from memory.
    var memory: BlocklistMemory?

    enum Status: String, Sendable { case blocked, allowed, notBlocked = "not_blocked" }

    struct Result: Sendable {
        let name: String
        let status: Status
        let entry: BlockEntryModel?
        let matchedBy: String?
        let allow: AllowEntryModel?
        let app: BlockAppModel?
        let proposal: BlockProposalModel?
    }

    /// nil and the problem when `raw` is not a name or address at all.
    func check(_ raw: String) async throws -> Swift.Result<Result, BlockNameProblem> {
        switch normalizer.normalize(raw) {
        case .failure(let problem): return .failure(problem)
        case .success(.ip(let ip)):
            let entry = try await BlockEntryModel.query(on: database.db).filter(\.$sortKey == ip).filter(\.$kind == BlockEntryKind.ip.rawValue).active().first()
            return .success(try await result(ip, entry: entry, matchedBy: entry == nil ? nil : "ip", allow: nil))
        case .success(.domain(let name, _)):
            if let decided = try await fromMemory(name) { return .success(decided) }
            if let allow = try await BlocklistService.allowCovering(name, on: database.db) {
                return .success(try await result(name, entry: nil, matchedBy: nil, allow: allow))
            }
            let candidates = BlocklistService.selfAndParents(name)
            let entries = try await BlockEntryModel.query(on: database.db).filter(\.$sortKey ~~ candidates.map(BlockSortKey.of)).active()
                .filter(\.$kind != "ip").all()
            if let exact = entries.first(where: { $0.name == name }) {
                return .success(try await result(name, entry: exact, matchedBy: exact.isSubdomains ? "subdomains" : "exact", allow: nil))
            }
            let parent = entries.filter(\.isSubdomains).max { $0.name.count < $1.name.count }
            return .success(try await result(name, entry: parent, matchedBy: parent == nil ? nil : "subdomains", allow: nil))
        }
    }

    /// The answer through the in-memory list: nothing more for a name that
    /// is not blocked, the deciding entry's row for one that is. nil when the
    /// list is not loaded (or the row changed meanwhile): ask the database.
    private func fromMemory(_ name: String) async throws -> Result? {
        guard let memory, let (decision, serial) = memory.decide(name) else { return nil }
        let kind: String, key: String, matchedBy: String?
        switch decision {
        case .notBlocked:
            return Result(name: name, status: .notBlocked, entry: nil, matchedBy: nil, allow: nil, app: nil, proposal: nil)
        case .allowed(let entryName, let subdomains):
            (kind, key, matchedBy) = ((subdomains ? BlockEntryKind.subdomains : .domain).rawValue, "allow \(subdomains ? "*." : "")\(entryName)", nil)
        case .blocked(let entryName, let subdomains):
            (kind, key, matchedBy) = ((subdomains ? BlockEntryKind.subdomains : .domain).rawValue, "block \(subdomains ? "*." : "")\(entryName)",
                                      entryName == name && !subdomains ? "exact" : "subdomains")
        }
        if let cached = memory.detail(key, serial: serial) {
            return Result(name: name, status: cached.allow != nil ? .allowed : .blocked, entry: cached.entry, matchedBy: matchedBy, allow: cached.allow,
                          app: cached.app, proposal: cached.proposal)
        }
        let fetched: Result
        switch decision {
        case .notBlocked: return nil
        case .allowed(let entryName, _):
            guard let allow = try await AllowEntryModel.query(on: database.db).filter(\.$name == entryName).filter(\.$kind == kind)
                .filter(\.$removedAt == nil).first() else { return nil }
            fetched = try await result(name, entry: nil, matchedBy: nil, allow: allow)
        case .blocked(let entryName, _):
            guard let entry = try await BlockEntryModel.query(on: database.db).filter(\.$sortKey == BlockSortKey.of(entryName))
                .filter(\.$kind == kind).active().first() else { return nil }
            fetched = try await result(name, entry: entry, matchedBy: matchedBy, allow: nil)
        }
        memory.remember(BlocklistMemory.Detail(entry: fetched.entry, allow: fetched.allow, app: fetched.app, proposal: fetched.proposal), key, serial: serial)
        return fetched
    }

    private func result(_ name: String, entry: BlockEntryModel?, matchedBy: String?, allow: AllowEntryModel?) async throws -> Result {
        let app = try await entry?.appID.asyncFlatMap { try await BlockAppModel.find($0, on: database.db) }
        let proposal = try await entry?.proposalID.asyncFlatMap { try await BlockProposalModel.find($0, on: database.db) }
        let status: Status = allow != nil ? .allowed : entry != nil ? .blocked : .notBlocked
        return Result(name: name, status: status, entry: entry, matchedBy: matchedBy, allow: allow, app: app, proposal: proposal)
    }
}
