// The Stream Load transaction interface (reference §4): begin, load per chunk, commit or roll back.
import CurlClient
import Pg2srSupport

/// One transaction for a whole table: `begin` through the FE, every later call on the BE it chose.
extension StreamLoadClient {
    /// `begin` (through the FE, which picks the BE); returns the base URL of that BE, where every
    /// later call of the transaction goes.
    public func beginTransaction(table: String, label: String, timeoutSeconds: Int) throws -> (be: String, reply: TransactionReply) {
        let headers = [("label", label), ("db", target.database), ("table", table), ("timeout", String(timeoutSeconds))]
        let (response, base) = try transactionCall("begin", base: target.backend.map { "\(target.httpScheme)://\($0)" }, headers: headers)
        return (base, try TransactionReply(json: response.body))
    }

    /// One `load` of the transaction: the chunk's rows, streamed.
    public func transactionLoad(be: String, table: String, headers: [(String, String)], body: HTTPBodySource,
                         shouldAbort: (() -> Bool)?) throws -> TransactionReply {
        var request = request("PUT", "\(be)/api/transaction/load",
                              headers: [("Expect", "100-continue"), ("db", target.database), ("table", table)] + headers, body: .stream(body))
        request.shouldAbort = shouldAbort
        let response = try perform(request, what: "the BE at \(URLText.hostPort(of: be))")
        try checkStatus(response, url: be)
        return try TransactionReply(json: response.body)
    }

    public func commitTransaction(be: String, label: String, shouldAbort: (() -> Bool)?) throws -> TransactionReply {
        let (response, _) = try transactionCall("commit", base: be, headers: [("label", label), ("db", target.database)], shouldAbort: shouldAbort)
        return try TransactionReply(json: response.body)
    }

    /// Rolls the label's open transaction back (through the FE when the BE is not known: it
    /// knows which BE began it).
    public func rollbackTransaction(label: String, be: String?) throws -> TransactionReply {
        let (response, _) = try transactionCall("rollback", base: be ?? target.backend.map { "\(target.httpScheme)://\($0)" },
                                                headers: [("label", label), ("db", target.database)])
        return try TransactionReply(json: response.body)
    }

    /// POSTs `/api/transaction/<op>` to `base` (a BE), or to the FE and then to the BE it redirects to.
    private func transactionCall(_ op: String, base: String?, headers: [(String, String)],
                                 shouldAbort: (() -> Bool)? = nil) throws -> (HTTPResponse, String) {
        var url = "\(base ?? target.feBaseURL)/api/transaction/\(op)"
        for _ in 0..<3 {
            var request = request("POST", url, headers: headers, body: .bytes([]))
            request.totalTimeoutSeconds = op == "commit" ? 0 : 120
            request.shouldAbort = shouldAbort
            let response = try perform(request, what: "transaction \(op) at \(URLText.hostPort(of: url))")
            switch response.status {
            case 301, 302, 307, 308:
                guard let location = response.headers["location"], !location.isEmpty else {
                    throw Pg2srError.target("the FE redirected transaction \(op) without a Location header")
                }
                url = target.clusterURL(location)
                continue
            default:
                try checkStatus(response, url: url)
                return (response, URLText.baseURL(of: url))
            }
        }
        throw Pg2srError.target("transaction \(op): too many redirects")
    }
}
