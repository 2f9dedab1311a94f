// `--source`, `--source-password-file`: the PostgreSQL connection, its password registered as a secret.
import ArgumentParser
import Foundation
import Pg2srSource
import Pg2srSupport

struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PostgreSQL conninfo or URI (PG* environment variables and .pgpass apply; keep the password out of it).", valueName: "conninfo"))
    var source: String = ""

    @Option(name: .long, help: ArgumentHelp("File holding the PostgreSQL password (else PGPASSWORD, PGPASSFILE or ~/.pgpass).", valueName: "path"))
    var sourcePasswordFile: String?

    var connector: SourceConnector {
        if let text = sourcePasswordFile.flatMap({ try? String(contentsOfFile: $0, encoding: .utf8) }) {
            setenv("PGPASSWORD", text.trimmingCharacters(in: .newlines), 1)
        }
        return SourceConnector(conninfo: source)
    }

    /// The connector, with the password file applied (libpq reads PGPASSWORD) and every form of
    /// the source password registered as a secret of the log.
    func resolve(log: Logger) throws -> SourceConnector {
        if let file = sourcePasswordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Pg2srError.usage("cannot read the source password file \(file)")
            }
            setenv("PGPASSWORD", text.trimmingCharacters(in: .newlines), 1)
        }
        if let password = ProcessInfo.processInfo.environment["PGPASSWORD"] { log.addSecret(password) }
        for password in Self.passwords(in: source) { log.addSecret(password) }
        return SourceConnector(conninfo: source)
    }

    /// Passwords written into a conninfo (`password=...`) or URI (`postgres://user:pw@host`).
    static func passwords(in conninfo: String) -> [String] {
        var found: [String] = []
        if let components = URLComponents(string: conninfo), let password = components.password {
            found.append(password)
            found.append(password.removingPercentEncoding ?? password)
            for item in components.queryItems ?? [] where item.name == "password" { found.append(item.value ?? "") }
        }
        if let range = conninfo.range(of: #"password\s*=\s*('([^'\\]|\\.)*'|\S+)"#, options: .regularExpression) {
            var value = String(conninfo[range].drop { $0 != "=" }.dropFirst()).trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'").replacingOccurrences(of: "\\\\", with: "\\")
            }
            found.append(value)
        }
        return found.filter { !$0.isEmpty }
    }
}
