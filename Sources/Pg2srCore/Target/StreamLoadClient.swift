import CurlClient
import Foundation

/// Stream Load over HTTP (libcurl). One client per worker thread (it owns a connection).
///
/// The FE answers a Stream Load PUT with a 307 to a BE and never reads the body; a COPY
/// stream cannot be rewound, so the BE is resolved first with a bodiless PUT (the FE starts
/// no transaction for it), and the data PUT goes straight to that BE, credentials re-sent.
final class StreamLoadClient {
    let target: StarRocksTarget
    private let session = HTTPSession()

    init(target: StarRocksTarget) {
        self.target = target
    }

    /// The BE URL for this load: `http://be:port/api/db/table/_stream_load`.
    func resolveLoadURL(table: String, label: String) throws -> String {
        let path = "/api/\(Self.pathComponent(target.database))/\(Self.pathComponent(table))/_stream_load"
        if let backend = target.backend { return "\(target.httpScheme)://\(backend)\(path)" }
        var request = request("PUT", target.feBaseURL + path, headers: [("Expect", "100-continue"), ("label", label)])
        request.totalTimeoutSeconds = 60
        let response = try perform(request, what: "the FE at \(target.host):\(target.httpPort)")
        switch response.status {
        case 307, 302, 301, 308:
            guard let location = response.headers["location"], !location.isEmpty else {
                throw Pg2srError.target("the FE redirected a Stream Load without a Location header")
            }
            return location
        case 401, 403:
            throw Pg2srError.target("StarRocks refused the credentials of user '\(target.user)' (HTTP \(response.status) from the FE)")
        default:
            let detail = (try? StreamLoadResult(json: response.body))?.message ?? response.bodyText.prefix(200).description
            throw Pg2srError.target("the FE did not redirect the Stream Load of \(table) (HTTP \(response.status)): \(detail)")
        }
    }

    /// Streams `body` into one Stream Load and returns the BE's verdict.
    func load(url: String, headers: [(String, String)], body: HTTPBodySource) throws -> StreamLoadResult {
        let request = request("PUT", url, headers: [("Expect", "100-continue")] + headers, body: .stream(body))
        let response = try perform(request, what: "the BE at \(Self.hostPort(of: url))")
        if response.status == 401 || response.status == 403 {
            throw Pg2srError.target("StarRocks refused the credentials of user '\(target.user)' (HTTP \(response.status) from the BE)")
        }
        return try StreamLoadResult(json: response.body)
    }

    /// `get_load_state` on the FE: UNKNOWN, PREPARE, PREPARED, COMMITTED, VISIBLE or ABORTED.
    func loadState(label: String) throws -> String {
        let url = "\(target.feBaseURL)/api/\(Self.pathComponent(target.database))/get_load_state?label=\(Self.pathComponent(label))"
        var request = request("GET", url)
        request.totalTimeoutSeconds = 60
        let response = try perform(request, what: "the FE at \(target.host):\(target.httpPort)")
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw Pg2srError.target("get_load_state answered HTTP \(response.status) without JSON")
        }
        if let state = object["state"] as? String { return state }
        let message = object["message"] as? String ?? object["msg"] as? String ?? "no state"
        throw Pg2srError.target("get_load_state for label \(label): \(message)")
    }

    /// The first lines of a load's error log (`ErrorURL`), for the error message.
    func errorLogExcerpt(_ url: String, lines: Int = 3) -> String {
        var request = request("GET", url)
        request.totalTimeoutSeconds = 30
        guard let response = try? session.perform(request), response.status == 200 else { return "" }
        return response.bodyText.split(separator: "\n").prefix(lines).joined(separator: " | ")
    }

    private func request(_ method: String, _ url: String, headers: [(String, String)] = [], body: HTTPBody = .none) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url, headers: headers.map { (name: $0.0, value: $0.1) },
                                  basicAuth: (user: target.user, password: target.password), body: body)
        request.caFile = target.caFile
        return request
    }

    private func perform(_ request: HTTPRequest, what: String) throws -> HTTPResponse {
        do {
            return try session.perform(request)
        } catch let error as HTTPError {
            throw StreamLoadTransportError(kind: error.kind, message: "\(what): \(error.message)")
        }
    }

    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    static func hostPort(of url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return url }
        return components.port.map { "\(host):\($0)" } ?? host
    }
}

/// A Stream Load request that got no verdict (connection refused/reset, timeout, aborted body).
struct StreamLoadTransportError: Error, CustomStringConvertible {
    let kind: HTTPError.Kind
    let message: String
    var description: String { message }
}
