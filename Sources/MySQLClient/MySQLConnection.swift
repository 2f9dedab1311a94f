// One MariaDB Connector/C connection: the MySQL protocol to the StarRocks FE.
import CMariaDB

/// An error from the MySQL protocol client or server. StarRocks' error numbers are not
/// reliable through MariaDB Connector/C (it rewrites 2001–2061 and 5001–5026 to 2027),
/// so callers match on `message`.
public struct MySQLError: Error, CustomStringConvertible, Sendable {
    public let code: UInt32
    public let message: String
    public var description: String { message }
}

/// Rows of a text-protocol result set; every value is a string or NULL.
public struct MySQLResult: Sendable {
    public let columns: [String]
    public let rows: [[String?]]

    public func value(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(where: { $0.caseInsensitiveCompare(column) }) else { return nil }
        return rows[row][index]
    }
}

private extension String {
    func caseInsensitiveCompare(_ other: String) -> Bool { lowercased() == other.lowercased() }
}

/// Where and how to connect to a StarRocks FE's MySQL port.
public struct MySQLEndpoint: Sendable {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String
    public var database: String?
    public var connectTimeoutSeconds: Int = 10
    /// Require TLS, verifying the server with this CA bundle.
    public var tlsCAFile: String?

    public init(host: String, port: Int, user: String, password: String, database: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }
}

/// One blocking MySQL-protocol connection (MariaDB Connector/C). One thread at a time.
public final class MySQLConnection: @unchecked Sendable {
    private static let libraryInit: Void = { mysql_server_init(0, nil, nil) }()
    private let handle: UnsafeMutablePointer<MYSQL>

    public init(_ endpoint: MySQLEndpoint) throws {
        _ = Self.libraryInit
        guard let handle = mysql_init(nil) else { throw MySQLError(code: 0, message: "out of memory") }
        self.handle = handle
        var protocolTCP = UInt32(MYSQL_PROTOCOL_TCP.rawValue) // "localhost" would otherwise mean the Unix socket
        mysql_options(handle, MYSQL_OPT_PROTOCOL, &protocolTCP)
        var timeout = UInt32(endpoint.connectTimeoutSeconds)
        mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &timeout)
        mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &timeout)
        if let ca = endpoint.tlsCAFile {
            mysql_ssl_set(handle, nil, nil, ca, nil, nil)
            var verify: Int8 = 1
            mysql_options(handle, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify)
        }
        mysql_options(handle, MYSQL_SET_CHARSET_NAME, "utf8")
        let connected = mysql_real_connect(handle, endpoint.host, endpoint.user, endpoint.password,
                                           endpoint.database, UInt32(endpoint.port), nil, 0)
        if connected == nil {
            // self is fully initialized here: deinit closes the handle (closing it here too
            // was a double free that crashed on every refused connection).
            throw Self.error(handle)
        }
    }

    deinit { mysql_close(handle) }

    /// Runs a statement and discards any result set.
    public func execute(_ sql: String) throws {
        _ = try run(sql)
    }

    /// Runs a statement and returns its result set (empty for statements without one).
    public func query(_ sql: String) throws -> MySQLResult {
        try run(sql)
    }

    private func run(_ sql: String) throws -> MySQLResult {
        let utf8 = Array(sql.utf8)
        let status = utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { mysql_real_query(handle, $0.baseAddress, UInt(buffer.count)) }
        }
        guard status == 0 else { throw Self.error(handle) }
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) != 0 { throw Self.error(handle) }
            return MySQLResult(columns: [], rows: [])
        }
        defer { mysql_free_result(result) }
        let fieldCount = Int(mysql_num_fields(result))
        let fields = mysql_fetch_fields(result)!
        let columns = (0..<fieldCount).map { String(cString: fields[$0].name) }
        var rows: [[String?]] = []
        while let row = mysql_fetch_row(result) {
            let lengths = mysql_fetch_lengths(result)!
            rows.append((0..<fieldCount).map { index in
                guard let value = row[index] else { return nil }
                let bytes = UnsafeRawBufferPointer(start: value, count: Int(lengths[index]))
                return String(decoding: bytes, as: UTF8.self)
            })
        }
        return MySQLResult(columns: columns, rows: rows)
    }

    private static func error(_ handle: UnsafeMutablePointer<MYSQL>) -> MySQLError {
        MySQLError(code: mysql_errno(handle), message: String(cString: mysql_error(handle)))
    }
}
