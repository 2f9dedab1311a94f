// Stream Load over HTTP (libcurl): the BE resolved through the FE, the body streamed, the verdict read.
import CurlClient
import Foundation
import Pg2srSupport

/// Stream Load over HTTP (libcurl). One client per worker thread (it owns a connection).
///
/// The FE answers a Stream Load PUT with a 307 to a BE and never reads the body; a COPY
/// stream cannot be rewound, so the BE is resolved first with a bodiless PUT (the FE starts
/// no transaction for it), and the data PUT goes straight to that BE, credentials re-sent.
public final class StreamLoadClient {
    let target: StarRocksTarget
    let session = HTTPSession()

    public init(target: StarRocksTarget) {
        self.target = target
    }

    /// The BE URL for this load: `http://be:port/api/db/table/_stream_load`.
    public func resolveLoadURL(table: String, label: String) throws -> String {
        let path = "/api/\(URLText.pathComponent(target.database))/\(URLText.pathComponent(table))/_stream_load"
        if let backend = target.backend { return "\(target.httpScheme)://\(backend)\(path)" }
        var request = request("PUT", target.feBaseURL + path, headers: [("Expect", "100-continue"), ("label", label)])
        request.totalTimeoutSeconds = 60
        let response = try perform(request, what: "the FE at \(target.host):\(target.httpPort)")
        switch response.status {
        case 307, 302, 301, 308:
            guard let location = response.headers["location"], !location.isEmpty else {
                throw Pg2srError.target("the FE redirected a Stream Load without a Location header")
            }
            return target.clusterURL(location)
        case 401, 403:
            throw Pg2srError.target("StarRocks refused the credentials of user '\(target.user)' (HTTP \(response.status) from the FE)")
        default:
            let detail = (try? StreamLoadResult(json: response.body))?.message ?? response.bodyText.prefix(200).description
            let text = "the FE did not redirect the Stream Load of \(table) (HTTP \(response.status)): \(detail)"
            // "No backend alive", 5xx and the like pass; a missing database or table does not.
            if response.status >= 500 || !Self.isPermanent(detail) {
                throw StreamLoadTransportError(kind: .other, message: text)
            }
            throw Pg2srError.target(text)
        }
    }

    /// Failures that retrying cannot fix: credentials, missing objects, malformed requests.
    public static func isPermanent(_ message: String) -> Bool {
        let lowered = message.lowercased()
        let permanent = ["access denied", "password", "no valid basic authorization", "unknown database", "unknown table",
                         "does not exist", "not exist", "unknown column", "label format error", "invalid", "there is no 100-continue",
                         "not match", "too many filtered rows", "not equal last", "hasn't send any data"]
        return permanent.contains { lowered.contains($0) } && !lowered.contains("you can retry")
    }

    /// Streams `body` into one Stream Load and returns the BE's verdict.
    public func load(url: String, headers: [(String, String)], body: HTTPBodySource, shouldAbort: (() -> Bool)? = nil) throws -> StreamLoadResult {
        var request = request("PUT", url, headers: [("Expect", "100-continue")] + headers, body: .stream(body))
        request.shouldAbort = shouldAbort
        let response = try perform(request, what: "the BE at \(URLText.hostPort(of: url))")
        try checkStatus(response, url: url)
        return try StreamLoadResult(json: response.body)
    }

    /// 401/403 fail for good; 5xx (and a reply without JSON from an overloaded server) are transient.
    func checkStatus(_ response: HTTPResponse, url: String) throws {
        if response.status == 401 || response.status == 403 {
            throw Pg2srError.target("StarRocks refused the credentials of user '\(target.user)' (HTTP \(response.status) from \(URLText.hostPort(of: url)))")
        }
        if response.status >= 500 {
            let detail = response.bodyText.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines)
            throw StreamLoadTransportError(kind: .other, message: "HTTP \(response.status) from \(URLText.hostPort(of: url))\(detail.isEmpty ? "" : ": \(detail)")")
        }
    }

    /// `get_load_state` on the FE: UNKNOWN, PREPARE, PREPARED, COMMITTED, VISIBLE or ABORTED.
    public func loadState(label: String) throws -> String {
        let url = "\(target.feBaseURL)/api/\(URLText.pathComponent(target.database))/get_load_state?label=\(URLText.pathComponent(label))"
        var request = request("GET", url)
        request.totalTimeoutSeconds = 60
        let response = try perform(request, what: "the FE at \(target.host):\(target.httpPort)")
        try checkStatus(response, url: url)
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw Pg2srError.target("get_load_state answered HTTP \(response.status) without JSON")
        }
        if let state = object["state"] as? String { return state }
        let message = object["message"] as? String ?? object["msg"] as? String ?? "no state"
        throw Pg2srError.target("get_load_state for label \(label): \(message)")
    }

    /// The first lines of a load's error log (`ErrorURL`), for the error message.
    public func errorLogExcerpt(_ url: String, lines: Int = 3) -> String {
        var request = request("GET", target.clusterURL(url))
        request.totalTimeoutSeconds = 30
        guard let response = try? session.perform(request), response.status == 200 else { return "" }
        return response.bodyText.split(separator: "\n").prefix(lines).joined(separator: " | ")
    }

    func request(_ method: String, _ url: String, headers: [(String, String)] = [], body: HTTPBody = .none) -> HTTPRequest {
        var request = HTTPRequest(method: method, url: url, headers: headers.map { (name: $0.0, value: $0.1) },
                                  basicAuth: (user: target.user, password: target.password), body: body)
        request.caFile = target.caFile
        return request
    }

    func perform(_ request: HTTPRequest, what: String) throws -> HTTPResponse {
        do {
            return try session.perform(request)
        } catch let error as HTTPError {
            throw StreamLoadTransportError(kind: error.kind, message: "\(what): \(error.message)")
        }
    }
}

/// A Stream Load request that got no verdict (connection refused/reset, timeout, aborted body).
public struct StreamLoadTransportError: Error, CustomStringConvertible {
    public let kind: HTTPError.Kind
    public let message: String
    public var description: String { message }
}
