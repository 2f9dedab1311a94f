// A query result as text values by row and column name.
import CPostgres

/// A fully read result in text format. Catalog-sized results only; data goes through COPY.
public struct PostgresResult: Sendable {
    public let columns: [String]
    public let rows: [[String?]]
    /// The command tag's row count (`PQcmdTuples`), e.g. rows copied by COPY.
    public let affectedRows: Int?

    init(_ result: OpaquePointer) {
        let columnCount = Int(PQnfields(result))
        columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        rows = (0..<Int(PQntuples(result))).map { row in
            (0..<columnCount).map { column in
                PQgetisnull(result, Int32(row), Int32(column)) == 1
                    ? nil : String(cString: PQgetvalue(result, Int32(row), Int32(column)))
            }
        }
        affectedRows = Int(String(cString: PQcmdTuples(result)))
    }

    /// The value of `column` in `row`; traps on an unknown column name (a programming error).
    public func value(_ row: Int, _ column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else { preconditionFailure("no column \(column)") }
        return rows[row][index]
    }

    /// The first column of the first row, for single-value queries.
    public var scalar: String? { rows.first?.first ?? nil }
}
