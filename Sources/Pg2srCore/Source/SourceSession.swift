import PostgresClient

/// Opens PostgreSQL sessions that render values the same way (sql/postgres/session_setup.sql).
public struct SourceConnector: Sendable {
    public let conninfo: String
    public init(conninfo: String) { self.conninfo = conninfo }

    func connect(role: String) throws -> PostgresConnection {
        do {
            let connection = try PostgresConnection(conninfo: conninfo, overrides: ["application_name": "pg2sr \(role)"])
            try connection.execute(SQLFile.text("postgres/session_setup"))
            return connection
        } catch let error as PostgresError {
            throw Pg2srError.source("cannot connect to PostgreSQL: \(error.message)")
        }
    }
}

extension PostgresError {
    /// A one-line source error for the user.
    func asSourceError(_ context: String) -> Pg2srError {
        .source("\(context): \(message)")
    }
}
