/// Why rendering a binary COPY stopped.
public enum BinaryCopyError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The stream is not what PostgreSQL sends: a source error naming what was expected.
    case malformed(String)
    /// A value StarRocks cannot hold exactly: `schema.table.column: reason: value`, the same
    /// text pg2sr's SQL guards put after `pg2sr-reject: `.
    case rejected(String)

    public var description: String {
        switch self {
        case .malformed(let text): return "malformed binary COPY stream: \(text)"
        case .rejected(let text): return text
        }
    }
}
