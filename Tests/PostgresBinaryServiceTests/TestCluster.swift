import Foundation
@testable import Pg2srModel
@testable import Pg2srSource
import Pg2srSupport
import PostgresBinary
import PostgresClient

/// One throwaway PostgreSQL 15 for the suite (`scripts/pg-cluster start --dir DIR`, its port from
/// the `ready port=…` line, its password from DIR/password), stopped when the test process exits.
/// Every test works in a database of its own, so tests run in parallel.
enum TestCluster {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    nonisolated(unsafe) private static var startedDir: String?

    struct Server: Sendable {
        let port: Int
        let password: String
    }

    static let server: Result<Server, Error> = Result {
        stopClustersOfDeadRuns()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pg2sr-binary-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let output = try run(["scripts/pg-cluster", "start", "--dir", dir, "--shared-buffers", "128MB"])
        startedDir = dir
        atexit {
            if let dir = TestCluster.startedDir {
                _ = try? TestCluster.run(["scripts/pg-cluster", "stop", "--dir", dir])
                try? FileManager.default.removeItem(atPath: dir)
            }
        }
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("ready ") }),
              let portField = line.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
              let port = Int(portField.dropFirst(5)) else { throw Failure("no ready line from scripts/pg-cluster: \(output)") }
        let password = try String(contentsOfFile: dir + "/password", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return Server(port: port, password: password)
    }

    /// A run that crashed never reached its atexit handler: stop the cluster it left (its
    /// directory names the dead test process).
    static func stopClustersOfDeadRuns() {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? [] where name.hasPrefix("pg2sr-binary-") {
            guard let pid = Int32(name.dropFirst("pg2sr-binary-".count)), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let dir = temporary.appendingPathComponent(name).path
            _ = try? run(["scripts/pg-cluster", "stop", "--dir", dir])
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ text: String) { description = text }
    }

    /// Runs a script of the repository (posix_spawn + waitpid: Foundation's Process waits on
    /// SIGCHLD in ways that hang under the test runner); its output goes to a file, not a pipe,
    /// because the server it starts keeps inherited descriptors open.
    @discardableResult
    static func run(_ arguments: [String]) throws -> String {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pg2sr-binary-run-\(getpid())-\(UInt64.random(in: 0...UInt64.max))").path
        defer { unlink(log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let path = root.appendingPathComponent(arguments[0]).path
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments.dropFirst()).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = chdir(root.path) == 0 ? posix_spawn(&pid, path, &actions, nil, &argv, environ) : errno
        guard spawned == 0 else { throw Failure("cannot run \(path): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let exited = status & 0x7F == 0, code = (status >> 8) & 0xFF
        guard exited && code == 0 else { throw Failure("\(arguments.joined(separator: " ")) failed (status \(status)): \(text)") }
        return text
    }

    static func conninfo(_ server: Server, database: String) -> String {
        "host=127.0.0.1 port=\(server.port) user=postgres dbname=\(database) password='\(server.password.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
    }

    /// A fresh database and a pg2sr source session in it (sql/postgres/session_setup.sql).
    static func freshDatabase(_ name: String) throws -> PostgresConnection {
        let server = try server.get()
        let admin = try PostgresConnection(conninfo: conninfo(server, database: "postgres"))
        try admin.execute("DROP DATABASE IF EXISTS \(name)")
        try admin.execute("CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
        return try session(name)
    }

    /// Another pg2sr source session in database `name`.
    static func session(_ name: String) throws -> PostgresConnection {
        try SourceConnector(conninfo: conninfo(server.get(), database: name)).connect(role: "test")
    }
}

/// The old and the new path over one table, as a chunk reads it.
struct CopyPaths {
    let connection: PostgresConnection
    let table: TableName
    let mappings: [ColumnMapping]

    init(_ connection: PostgresConnection, table name: String, schema: String = "public", policy: ValuePolicy = ValuePolicy(),
         target: TargetCapabilities = TargetCapabilities(), casts: [String: String] = [:]) throws {
        self.connection = connection
        table = TableName(schema: schema, name: name)
        let catalog = SourceCatalog(connection: connection)
        guard let source = try catalog.withColumns(catalog.tables().filter { $0.name == TableName(schema: schema, name: name) }).first else {
            throw TestCluster.Failure("no table \(schema).\(name)")
        }
        mappings = try source.columns.enumerated().map { index, column in
            try TypeMapping.map(column, of: source.name, position: index + 1, castOverride: casts[column.name], policy: policy, target: target)
        }
    }

    static let whole = ChunkSpec(index: 0, predicate: nil, estimatedBytes: 0, summary: "whole table")

    /// Today's `COPY (SELECT <renderings>) TO STDOUT (FORMAT csv, NULL '\N')`: its bytes, or the
    /// text after `pg2sr-reject: ` when a guard fails.
    func csv() throws -> Result<[UInt8], RejectText> {
        let stream = try connection.copyOut(CopyStatement.copy(CopyStatement.select(table: table, kind: "r", columns: mappings, chunk: Self.whole, filter: nil)))
        var bytes: [UInt8] = []
        do {
            while let row = try stream.nextRow() { bytes.append(contentsOf: row) }
        } catch let error as PostgresError {
            guard let range = error.message.range(of: "pg2sr-reject: ") else { throw error }
            var text = String(error.message[range.upperBound...])
            if text.hasSuffix("\"") { text.removeLast() }
            try connection.execute("ROLLBACK")
            return .failure(RejectText(text: text))
        }
        return .success(bytes)
    }

    /// The binary COPY of the plain columns, rendered by PostgresBinary.
    func binary() throws -> Result<[UInt8], RejectText> {
        let messages = try binaryMessages()
        var renderer = try BinaryCopyRenderer(columns: mappings.map { $0.binaryCopyColumn(of: table) })
        var output = ByteBuffer()
        do {
            for message in messages { _ = try message.withUnsafeBytes { try renderer.render($0, into: &output) } }
            try renderer.finish()
        } catch let error as BinaryCopyError {
            guard case .rejected(let text) = error else { throw error }
            return .failure(RejectText(text: text))
        }
        return .success(Array(output.bytes))
    }

    /// The binary COPY's CopyData messages, as libpq hands them over.
    func binaryMessages() throws -> [[UInt8]] {
        let sql = CopyStatement.binaryCopy(CopyStatement.binarySelect(table: table, kind: "r", columns: mappings, chunk: Self.whole, filter: nil))
        let stream = try connection.copyOut(sql)
        var messages: [[UInt8]] = []
        while let message = try stream.nextRow() { messages.append(Array(message)) }
        return messages
    }

    struct RejectText: Error, Equatable { let text: String }
}
