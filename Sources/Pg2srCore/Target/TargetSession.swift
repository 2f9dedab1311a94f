import MySQLClient

/// The MySQL-protocol session to the StarRocks FE, with errors turned into one-line target errors.
struct TargetSession {
    let connection: MySQLConnection
    let target: StarRocksTarget

    /// Connects without selecting the database (it may not exist yet).
    init(target: StarRocksTarget) throws {
        self.target = target
        do {
            connection = try MySQLConnection(target.mysqlEndpoint())
        } catch let error as MySQLError {
            throw Pg2srError.target("cannot connect to StarRocks at \(target.host):\(target.mysqlPort) as user '\(target.user)': \(error.message)")
        }
    }

    func execute(_ sql: String, _ what: @autoclosure () -> String) throws {
        do { try connection.execute(sql) } catch let error as MySQLError {
            throw Pg2srError.target("\(what()): \(error.message)")
        }
    }

    func query(_ sql: String, _ what: @autoclosure () -> String) throws -> MySQLResult {
        do { return try connection.query(sql) } catch let error as MySQLError {
            throw Pg2srError.target("\(what()): \(error.message)")
        }
    }

    /// Selects the target database, creating it first when asked to.
    func useDatabase(create: Bool) throws {
        let name = StarRocksSQL.quoteIdentifier(target.database)
        if create { try execute("CREATE DATABASE IF NOT EXISTS \(name)", "cannot create database \(target.database)") }
        do { try connection.execute("USE \(name)") } catch let error as MySQLError {
            let hint = create ? "" : " (create it, or pass --create-tables)"
            throw Pg2srError.target("database \(target.database) is not usable: \(error.message)\(hint)")
        }
    }

    func tableExists(_ table: String) throws -> Bool {
        let sql = "SELECT TABLE_NAME FROM information_schema.tables WHERE TABLE_SCHEMA = \(StarRocksSQL.quoteString(target.database)) AND TABLE_NAME = \(StarRocksSQL.quoteString(table))"
        return try !query(sql, "cannot read information_schema.tables").rows.isEmpty
    }

    /// min(3, alive BEs) from SHOW BACKENDS; nil when not visible to this user (the
    /// cluster's default then applies).
    func defaultReplicationNumber() -> Int? {
        guard let result = try? connection.query("SHOW BACKENDS"), !result.rows.isEmpty else { return nil }
        let alive = result.rows.indices.filter { (result.value($0, "Alive") ?? "true").lowercased() == "true" }.count
        return max(1, min(3, alive))
    }

    /// `SELECT current_version()`: the real StarRocks version (VERSION() is a fake MySQL one).
    func version() -> String? {
        (try? connection.query("SELECT current_version()"))?.rows.first?.first ?? nil
    }
}
