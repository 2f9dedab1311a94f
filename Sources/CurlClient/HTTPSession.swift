// One libcurl easy handle: blocking HTTP requests with a streamed body, timeouts and abort.
import CCurl
import CCurlShim
#if canImport(Glibc)
import Glibc
#endif

/// A blocking HTTP client over one libcurl easy handle (connections are reused between
/// requests). Use one session per thread; run it on a dedicated thread.
public final class HTTPSession: @unchecked Sendable {
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_ALL)) }()
    private let handle: UnsafeMutableRawPointer

    public init() {
        _ = Self.globalInit
        handle = curl_easy_init()
    }

    deinit { curl_easy_cleanup(handle) }

    public func perform(_ request: HTTPRequest) throws -> HTTPResponse {
        curl_easy_reset(handle)
        let context = TransferContext(body: request.body, shouldAbort: request.shouldAbort)
        let unmanaged = Unmanaged.passRetained(context)
        defer { unmanaged.release() }

        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers {
            headerList = curl_slist_append(headerList, "\(header.name): \(header.value)")
        }

        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_FOLLOWLOCATION, 0)
        set(CURLOPT_CONNECTTIMEOUT, request.connectTimeoutSeconds)
        set(CURLOPT_TIMEOUT, request.totalTimeoutSeconds)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_EXPECT_100_TIMEOUT_MS, request.expectContinueTimeoutMilliseconds)
        if let caFile = request.caFile { set(CURLOPT_CAINFO, caFile) }
        if let auth = request.basicAuth {
            set(CURLOPT_HTTPAUTH, 1) // CURLAUTH_BASIC (a macro Swift does not import)
            set(CURLOPT_USERNAME, auth.user)
            set(CURLOPT_PASSWORD, auth.password)
        }
        let userData = unmanaged.toOpaque()
        pg2sr_curl_setopt_write_function(handle, { data, size, count, userData in
            let context = Unmanaged<TransferContext>.fromOpaque(userData!).takeUnretainedValue()
            return context.appendResponse(UnsafeRawBufferPointer(start: data, count: size * count))
        })
        pg2sr_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, userData)
        pg2sr_curl_setopt_header_function(handle, { data, size, count, userData in
            let context = Unmanaged<TransferContext>.fromOpaque(userData!).takeUnretainedValue()
            context.appendHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        })
        pg2sr_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, userData)
        if request.shouldAbort != nil {
            set(CURLOPT_NOPROGRESS, 0)
            pg2sr_curl_setopt_xferinfo_function(handle, { userData, _, _, _, _ in
                let context = Unmanaged<TransferContext>.fromOpaque(userData!).takeUnretainedValue()
                guard let check = context.shouldAbort, check() else { return 0 }
                context.abortedByBody = true
                return 1
            })
            pg2sr_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, userData)
        }

        switch request.body {
        case .none:
            if request.method == "PUT" {
                // A bodiless PUT still announces itself as an upload of zero bytes.
                set(CURLOPT_UPLOAD, 1)
                pg2sr_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, 0)
                installReader(userData)
            } else if request.method != "GET" {
                set(CURLOPT_CUSTOMREQUEST, request.method)
            }
        case .bytes(let bytes):
            set(CURLOPT_UPLOAD, 1)
            pg2sr_curl_setopt_off(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(bytes.count))
            installReader(userData)
            if request.method != "PUT" { set(CURLOPT_CUSTOMREQUEST, request.method) }
        case .stream:
            set(CURLOPT_UPLOAD, 1)
            // Bigger upload buffer: fewer callbacks and syscalls per MB.
            set(CURLOPT_UPLOAD_BUFFERSIZE, 512 * 1024)
            headerList = curl_slist_append(headerList, "Transfer-Encoding: chunked")
            installReader(userData)
            if request.method != "PUT" { set(CURLOPT_CUSTOMREQUEST, request.method) }
        }
        pg2sr_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            pg2sr_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, buffer.baseAddress)
            return curl_easy_perform(handle)
        }
        if code != CURLE_OK {
            throw transportError(code, detail: String(cString: errorBuffer), context: context)
        }
        var status = 0
        pg2sr_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: context.headers, body: context.response)
    }

    private func installReader(_ userData: UnsafeMutableRawPointer) {
        pg2sr_curl_setopt_read_function(handle, { buffer, size, count, userData in
            let context = Unmanaged<TransferContext>.fromOpaque(userData!).takeUnretainedValue()
            return context.fill(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
        })
        pg2sr_curl_setopt_pointer(handle, CURLOPT_READDATA, userData)
    }

    private func transportError(_ code: CURLcode, detail: String, context: TransferContext) -> HTTPError {
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let kind: HTTPError.Kind
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where context.abortedByBody, CURLE_READ_ERROR where context.abortedByBody:
            kind = .abortedByBodySource
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            kind = .couldNotConnect
        case CURLE_OPERATION_TIMEDOUT:
            kind = .timedOut
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            kind = .connectionBroken
        default:
            kind = context.abortedByBody ? .abortedByBodySource : .other
        }
        return HTTPError(kind: kind, message: text)
    }

    private func set(_ option: CURLoption, _ value: Int) {
        pg2sr_curl_setopt_long(handle, option, value)
    }

    private func set(_ option: CURLoption, _ value: String) {
        pg2sr_curl_setopt_string(handle, option, value)
    }
}

/// Per-request state reached from libcurl's C callbacks.
private final class TransferContext {
    let body: HTTPBody
    var bytesOffset = 0
    var response: [UInt8] = []
    var headers: [String: String] = [:]
    var abortedByBody = false
    let shouldAbort: (() -> Bool)?

    init(body: HTTPBody, shouldAbort: (() -> Bool)?) {
        self.body = body
        self.shouldAbort = shouldAbort
    }

    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        switch body {
        case .none:
            return 0
        case .bytes(let bytes):
            let count = min(buffer.count, bytes.count - bytesOffset)
            guard count > 0 else { return 0 }
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + bytesOffset, byteCount: count)
            }
            bytesOffset += count
            return count
        case .stream(let source):
            switch source.read(into: buffer) {
            case .bytes(let count): return count
            case .end: return 0
            case .abort:
                abortedByBody = true
                return Int(CURL_READFUNC_ABORT)
            }
        }
    }

    func appendResponse(_ data: UnsafeRawBufferPointer) -> Int {
        guard response.count + data.count <= HTTPSessionLimits.maximumResponseBytes else { return 0 }
        response.append(contentsOf: data)
        return data.count
    }

    func appendHeaderLine(_ data: UnsafeRawBufferPointer) {
        let line = String(decoding: data, as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            headers = [:] // a new response (after 100 Continue): keep only the final one's headers
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        var value = Substring(line[line.index(after: colon)...])
        while let first = value.first, first == " " || first == "\t" { value.removeFirst() }
        // "\r\n" is one Character in Swift: test with isNewline, not == "\r".
        while let last = value.last, last.isNewline || last == " " || last == "\t" { value.removeLast() }
        headers[name] = String(value)
    }
}

/// Bound for a reply body: Stream Load replies are small JSON documents.
enum HTTPSessionLimits {
    static let maximumResponseBytes = 4 << 20
}
