// The errors pg2sr reports and their documented exit codes.

/// Every failure pg2sr reports: one line naming the thing, and an exit code per class.
public enum Pg2srError: Error, CustomStringConvertible, Sendable {
    /// Conflicting or malformed options.
    case usage(String)
    /// The PostgreSQL side: connection, privileges, missing tables, snapshot, locks.
    case source(String)
    /// The StarRocks side: connection, credentials, DDL, load protocol.
    case target(String)
    /// StarRocks rejected or filtered rows, or a verification found a difference.
    case dataRejected(String)
    /// Kafka or Kafka Connect.
    case cdc(String)
    /// SIGINT or SIGTERM.
    case interrupted(signal: Int32)

    public var description: String {
        switch self {
        case .usage(let m): "usage: \(m)"
        case .source(let m): "source: \(m)"
        case .target(let m): "target: \(m)"
        case .dataRejected(let m): "data rejected: \(m)"
        case .cdc(let m): "cdc: \(m)"
        case .interrupted(let signal): "interrupted by signal \(signal)"
        }
    }

    /// Documented in the README ("Exit codes").
    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .dataRejected: 65
        case .source: 66
        case .target: 69
        case .cdc: 70
        case .interrupted(let signal): 128 + signal
        }
    }
}
