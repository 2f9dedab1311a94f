// The values of an HTTP exchange: request, streamed body source, response, transport error.

/// Where a streamed request body comes from. `read` is called on the thread running
/// `HTTPSession.perform`, only when libcurl can send more: it pulls, it is never pushed.
public protocol HTTPBodySource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) -> HTTPBodyRead
}

public enum HTTPBodyRead {
    /// `count` bytes were written to the buffer (count > 0).
    case bytes(Int)
    /// The body is complete.
    case end
    /// Abort the request: the connection is dropped so the server rolls back.
    case abort
}

public enum HTTPBody {
    case none
    case bytes([UInt8])
    /// Sent with `Transfer-Encoding: chunked`; the length is not known up front.
    case stream(HTTPBodySource)
}

public struct HTTPRequest {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var basicAuth: (user: String, password: String)?
    public var body: HTTPBody
    /// How long libcurl waits for `100 Continue` before sending a body anyway. Kept long:
    /// a non-rewindable body must never start before the server accepted the request.
    public var expectContinueTimeoutMilliseconds: Int = 600_000
    public var connectTimeoutSeconds: Int = 10
    /// 0 = no limit (stream loads run as long as the data flows).
    public var totalTimeoutSeconds: Int = 0
    /// PEM bundle for HTTPS, when not the system's.
    public var caFile: String?
    /// Polled by libcurl about once a second and whenever data moves, also while it waits for
    /// `100 Continue` or for the reply: true aborts the request (the connection is dropped, so
    /// the server rolls back what it received).
    public var shouldAbort: (() -> Bool)?

    public init(method: String, url: String, headers: [(name: String, value: String)] = [],
                basicAuth: (user: String, password: String)? = nil, body: HTTPBody = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.basicAuth = basicAuth
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    /// Header names lower-cased; of a final response only (not of `100 Continue`).
    public let headers: [String: String]
    public let body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// Transport-level failure: the request got no complete HTTP response.
public struct HTTPError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        case couldNotConnect
        case timedOut
        /// The body source or `shouldAbort` asked to abort (source failure, interruption).
        case abortedByBodySource
        case connectionBroken
        case other
    }
    public let kind: Kind
    public let message: String
    public var description: String { message }
}
