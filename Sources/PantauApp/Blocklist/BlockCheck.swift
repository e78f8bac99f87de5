import FluentKit
import Foundation
import PantauCore

/// "Why is this blocked?": the entry that blocks a name (itself, or the
/// nearest parent blocked with its subdomains, or its IP), or the allow-list
/// entry that keeps it open.
struct BlockCheck: Sendable {
    let database: PantauDatabase
    let normalizer: BlockNameNormalizer

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
            let entry = try await BlockEntryModel.query(on: database.db).filter(\.$kind == "ip").filter(\.$name == ip).filter(\.$state == "active").first()
            return .success(try await result(ip, entry: entry, matchedBy: entry == nil ? nil : "ip", allow: nil))
        case .success(.domain(let name, _)):
            if let allow = try await BlocklistService.allowCovering(name, on: database.db) {
                return .success(try await result(name, entry: nil, matchedBy: nil, allow: allow))
            }
            let candidates = BlocklistService.selfAndParents(name)
            let entries = try await BlockEntryModel.query(on: database.db).filter(\.$name ~~ candidates).filter(\.$state == "active")
                .filter(\.$kind != "ip").all()
            if let exact = entries.first(where: { $0.name == name }) {
                return .success(try await result(name, entry: exact, matchedBy: exact.isSubdomains ? "subdomains" : "exact", allow: nil))
            }
            let parent = entries.filter(\.isSubdomains).max { $0.name.count < $1.name.count }
            return .success(try await result(name, entry: parent, matchedBy: parent == nil ? nil : "subdomains", allow: nil))
        }
    }

    private func result(_ name: String, entry: BlockEntryModel?, matchedBy: String?, allow: AllowEntryModel?) async throws -> Result {
        let app = try await entry?.appID.asyncFlatMap { try await BlockAppModel.find($0, on: database.db) }
        let proposal = try await entry?.proposalID.asyncFlatMap { try await BlockProposalModel.find($0, on: database.db) }
        let status: Status = allow != nil ? .allowed : entry != nil ? .blocked : .notBlocked
        return Result(name: name, status: status, entry: entry, matchedBy: matchedBy, allow: allow, app: app, proposal: proposal)
    }
}
