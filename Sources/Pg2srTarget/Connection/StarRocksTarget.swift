// `--target starrocks://…`: where to load, with the password kept out of the URL's description.
import Foundation
import MySQLClient
import Pg2srSupport

/// Where to load: `starrocks://user[:password]@fe-host:9030/db?http_port=8030[&be=host:port]
/// [&ssl_ca=/path/ca.pem][&http_scheme=https]`. The password may instead come from
/// `STARROCKS_PASSWORD` or a password file, so it never has to be on the command line.
public struct StarRocksTarget: Sendable, CustomStringConvertible {
    public var user: String
    public var password: String
    public var host: String
    public var mysqlPort: Int
    public var httpPort: Int
    public var database: String
    /// Stream Load straight to this BE (`host:port`), skipping the FE redirect.
    public var backend: String?
    public var httpScheme = "http"
    /// CA bundle for HTTPS Stream Load and TLS on the MySQL port.
    public var caFile: String?

    public init(url: String, passwordFile: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: url), components.scheme == "starrocks" else {
            throw Pg2srError.usage("malformed --target URL (expected starrocks://user@fe-host:9030/db?http_port=8030)")
        }
        guard let host = components.host, !host.isEmpty else { throw Pg2srError.usage("--target URL has no host") }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !database.isEmpty else { throw Pg2srError.usage("--target URL names no database (starrocks://user@host:9030/DB)") }
        self.host = host
        self.database = database.removingPercentEncoding ?? database
        mysqlPort = components.port ?? 9030
        user = components.user?.removingPercentEncoding ?? "root"
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let known: Set<String> = ["http_port", "be", "ssl_ca", "http_scheme"]
        if let unknown = query.keys.first(where: { !known.contains($0) }) {
            throw Pg2srError.usage("--target URL has unknown parameter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        if let port = query["http_port"] {
            guard let value = Int(port), (1...65535).contains(value) else { throw Pg2srError.usage("--target URL: http_port '\(port)' is not a port") }
            httpPort = value
        } else {
            httpPort = 8030
        }
        backend = query["be"]
        caFile = query["ssl_ca"]
        if let scheme = query["http_scheme"] {
            guard scheme == "http" || scheme == "https" else { throw Pg2srError.usage("--target URL: http_scheme must be http or https") }
            httpScheme = scheme
        }
        if let urlPassword = components.password {
            password = urlPassword.removingPercentEncoding ?? urlPassword
        } else if let file = passwordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Pg2srError.usage("cannot read the target password file \(file)")
            }
            password = text.trimmingCharacters(in: .newlines)
        } else {
            password = environment["STARROCKS_PASSWORD"] ?? ""
        }
    }

    /// The target without its password: safe for logs, errors and the run record.
    public var description: String { "starrocks://\(user)@\(host):\(mysqlPort)/\(database)" }

    var feBaseURL: String { "\(httpScheme)://\(host):\(httpPort)" }

    /// Where a URL the cluster handed out (the FE's 307 `Location`, a BE's `ErrorURL`) really is: the FE
    /// builds them with scheme `http` even when reached over HTTPS (RestBaseAction.redirectTo), so with
    /// `http_scheme=https` only host, port and path are taken from it.
    func clusterURL(_ url: String) -> String {
        guard httpScheme == "https", url.hasPrefix("http://") else { return url }
        return "https://" + url.dropFirst("http://".count)
    }

    func mysqlEndpoint(database: String? = nil) -> MySQLEndpoint {
        var endpoint = MySQLEndpoint(host: host, port: mysqlPort, user: user, password: password, database: database)
        endpoint.tlsCAFile = caFile
        return endpoint
    }
}
