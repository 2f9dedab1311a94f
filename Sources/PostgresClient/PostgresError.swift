// libpq and server errors, with the SQLSTATE classes pg2sr acts on.

/// An error reported by libpq or by the PostgreSQL server.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// SQLSTATE of a server error (`57014` query canceled, `55P03` lock not available, ...).
    public let sqlState: String?
    /// The server's or libpq's message, first line only, without the trailing newline.
    public let message: String
    /// `DETAIL:` of a server error, when present.
    public let detail: String?

    public init(sqlState: String? = nil, message: String, detail: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
    }

    public var description: String { message }

    /// True when the server canceled the statement because `lock_timeout` expired.
    public var isLockTimeout: Bool { sqlState == "55P03" }
    /// True when the connection itself broke (server gone, backend terminated, network drop).
    public var isConnectionFailure: Bool {
        guard let sqlState else { return true }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }
}

extension String {
    /// libpq messages end with a newline and may carry several lines; keep the first, trimmed.
    func firstLineTrimmed() -> String {
        let line = split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return line.trimmingCharacters(in: [" ", "\t", "\r"])
    }

    private func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
