// Opens PostgreSQL sessions that all render values the same way.
import Pg2srSupport
import PostgresClient

/// Opens PostgreSQL sessions that render values the same way (sql/postgres/session_setup.sql).
public struct SourceConnector: Sendable {
    public let conninfo: String
    public init(conninfo: String) { self.conninfo = conninfo }

    /// A session named `pg2sr <role>` in `pg_stat_activity`.
    public func connect(role: String) throws -> PostgresConnection {
        do {
            let connection = try PostgresConnection(conninfo: conninfo, overrides: ["application_name": "pg2sr \(role)"])
            try connection.execute(SQLTemplate("postgres/session_setup").sql)
            return connection
        } catch let error as PostgresError {
            throw Pg2srError.source("cannot connect to PostgreSQL: \(error.message)")
        }
    }

    /// Where the source is, as libpq resolved it (PG* variables, defaults), and the password it
    /// used: what a Debezium connector needs to reach the same database.
    public func endpoint(role: String) throws -> SourceEndpoint {
        let connection = try connect(role: role)
        let parameters = connection.parameters
        return SourceEndpoint(host: parameters.host, port: parameters.port, user: parameters.user, database: parameters.database,
                              password: connection.password)
    }
}

/// Host, port, user and database of a source session, and the password libpq used.
public struct SourceEndpoint: Sendable {
    public var host: String
    public var port: String
    public var user: String
    public var database: String
    public var password: String?
}

extension PostgresError {
    /// A one-line source error for the user.
    public func asSourceError(_ context: String) -> Pg2srError {
        .source("\(context): \(message)")
    }
}
