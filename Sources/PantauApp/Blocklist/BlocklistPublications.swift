import FluentKit
import Foundation
import SQLKit

/// One published change of the list: a name added or removed under a serial
/// (`blocklist_changes`).
struct BlocklistChange: Sendable {
    let op: String
    let kind: String
    let name: String
    let action: String
    let allow: Bool
    /// The publication it belongs to.
    var serial: Int64 = 0
}

/// Reading what has been published: the current serial, whether a bulk
/// publication lies between two serials, and the changes between them. The
/// changes endpoint and the server's in-memory list both follow the list
/// through these.
enum BlocklistPublications {
    static func currentSerial(on db: any Database) async throws -> Int64 {
        try await BlocklistSerialModel.query(on: db).max(\.$id) ?? 0
    }

    /// A bulk publication (an import, published without per-name changes)
    /// after `serial` and up to `latest`: following by changes is not possible.
    static func fullReloadBetween(after serial: Int64, upTo latest: Int64, on db: any Database) async throws -> Bool {
        try await BlocklistSerialModel.query(on: db).filter(\.$id > serial).filter(\.$id <= latest).filter(\.$fullReload == true).first() != nil
    }

    /// The changes after `serial` up to `latest`, in publication order. Read
    /// as plain columns (ISPs poll this), on SQLite through the C API.
    static func changes(after serial: Int64, upTo latest: Int64, in database: PantauDatabase) async throws -> [BlocklistChange] {
        let query = "SELECT op, kind, name, action, allow, serial FROM blocklist_changes WHERE serial > \(serial) AND serial <= \(latest) ORDER BY serial, id"
        var rows: [BlocklistChange] = []
        if case .sqlite(let file) = database.location {
            let connection = try SQLiteDirectConnection(path: file, readOnly: true)
            let statement = try connection.prepare(query)
            while try statement.step() {
                rows.append(BlocklistChange(op: statement.text(0), kind: statement.text(1), name: statement.text(2), action: statement.text(3),
                                            allow: statement.int64(4) != 0, serial: statement.int64(5)))
            }
            return rows
        }
        for row in try await database.sql.raw(SQLQueryString(query)).all() {
            rows.append(BlocklistChange(op: try row.decode(column: "op", as: String.self), kind: try row.decode(column: "kind", as: String.self),
                                        name: try row.decode(column: "name", as: String.self), action: try row.decode(column: "action", as: String.self),
                                        allow: try row.decode(column: "allow", as: Bool.self), serial: try row.decode(column: "serial", as: Int64.self)))
        }
        return rows
    }
}
