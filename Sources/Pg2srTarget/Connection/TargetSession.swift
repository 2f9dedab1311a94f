// The MySQL-protocol session to the StarRocks FE, its errors turned into one-line target errors.
import MySQLClient
import Pg2srSupport

/// The MySQL-protocol session to the StarRocks FE, with errors turned into one-line target errors.
public struct TargetSession {
    let connection: MySQLConnection
    public let target: StarRocksTarget

    /// Connects without selecting the database (it may not exist yet).
    public init(target: StarRocksTarget) throws {
        self.target = target
        do {
            connection = try MySQLConnection(target.mysqlEndpoint())
        } catch let error as MySQLError {
            throw Pg2srError.target("cannot connect to StarRocks at \(target.host):\(target.mysqlPort) as user '\(target.user)': \(error.message)")
        }
    }

    public func execute(_ sql: String, _ what: @autoclosure () -> String) throws {
        do { try connection.execute(sql) } catch let error as MySQLError {
            throw Pg2srError.target("\(what()): \(error.message)")
        }
    }

    func query(_ sql: String, _ what: @autoclosure () -> String) throws -> MySQLResult {
        do { return try connection.query(sql) } catch let error as MySQLError {
            throw Pg2srError.target("\(what()): \(error.message)")
        }
    }

    /// The rows of a query, as text (NULL = nil).
    public func rows(_ sql: String, _ what: @autoclosure () -> String) throws -> [[String?]] {
        try query(sql, what()).rows
    }

    /// Selects the target database, creating it first when asked to.
    public func useDatabase(create: Bool) throws {
        let name: [String: SQLValue] = ["database": .identifier(target.database)]
        if create {
            try execute(SQLTemplate("starrocks/create_database").render(name), "cannot create database \(target.database)")
        }
        do { try connection.execute(SQLTemplate("starrocks/use_database").render(name)) } catch let error as MySQLError {
            let hint = create ? "" : " (create it, or pass --create-tables)"
            throw Pg2srError.target("database \(target.database) is not usable: \(error.message)\(hint)")
        }
    }

    public func tableExists(_ table: String) throws -> Bool {
        let sql = SQLTemplate("starrocks/table_exists").render(["database": .literal(target.database), "table": .literal(table)])
        return try !query(sql, "cannot read information_schema.tables").rows.isEmpty
    }

    /// min(3, alive BEs) from SHOW BACKENDS; nil when not visible to this user (the
    /// cluster's default then applies).
    public func defaultReplicationNumber() -> Int? {
        guard let result = try? connection.query(SQLTemplate("starrocks/show_backends").sql), !result.rows.isEmpty else { return nil }
        let alive = result.rows.indices.filter { (result.value($0, "Alive") ?? "true").lowercased() == "true" }.count
        return max(1, min(3, alive))
    }

    /// `SELECT current_version()`: the real StarRocks version (VERSION() is a fake MySQL one).
    public func version() -> String? {
        (try? connection.query(SQLTemplate("starrocks/current_version").sql))?.rows.first?.first ?? nil
    }
}
