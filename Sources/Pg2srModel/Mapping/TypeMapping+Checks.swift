// Names and key types StarRocks (or pg2sr's load column lists) cannot take.
import Pg2srSupport

extension TypeMapping {
    /// Types StarRocks allows in a key (Primary, Duplicate or distribution): integers, BOOLEAN,
    /// strings, DATE, DATETIME.
    public static func isKeyType(_ starRocksType: String) -> Bool {
        let base = String(starRocksType.prefix { $0.isLetter })
        return ["TINYINT", "SMALLINT", "INT", "BIGINT", "LARGEINT", "BOOLEAN", "DATE", "DATETIME", "VARCHAR", "CHAR"].contains(base)
    }

    /// StarRocks Primary Key columns: integers, BOOLEAN, strings, DATE, DATETIME.
    static func checkKeyType(_ mapping: ColumnMapping, table: TableName) throws {
        guard isKeyType(mapping.starRocksType) else {
            throw Pg2srError.usage("primary key column \(table).\(PostgresSQL.quoteIdentifier(mapping.sourceName)) (\(mapping.sourceType)) maps to \(mapping.starRocksType), which StarRocks does not allow in a key; choose a key type with --cast '\(table.qualifiedPlain).\(mapping.sourceName)=varchar' or bigint")
        }
    }

    /// Column names StarRocks (or the load protocols) cannot take. Quoting handles everything
    /// else: backticks in StarRocks (a backtick doubled), double quotes in PostgreSQL.
    /// * control characters: a Stream Load `columns` header cannot carry them (and StarRocks
    ///   rejects NUL);
    /// * `__op`: StarRocks' load operation pseudo-column;
    /// * `pg2sr_f<n>`, `pg2sr_v<n>`, `pg2sr_a<n>`, `pg2sr_b<n>`, `pg2sr_op`, `pg2sr_deleted`:
    ///   pg2sr's temporary names in Stream Load / Routine Load column lists; `pg2sr_l<n>`:
    ///   the COPY SELECT's `RenderedOnce` subqueries.
    static func checkTargetName(_ name: String, table: TableName) throws {
        let quoted = "\(table).\(PostgresSQL.quoteIdentifier(name))"
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw Pg2srError.usage("column \(quoted) has a control character in its name, which StarRocks column names and Stream Load headers cannot carry; rename it or leave the table out")
        }
        let lowered = name.lowercased()
        if lowered == "__op" {
            throw Pg2srError.usage("column \(quoted) is named __op, StarRocks' load operation column; rename it or leave the table out")
        }
        if lowered.hasPrefix("pg2sr_") {
            let rest = lowered.dropFirst(6)
            let temporary = rest == "op" || rest == "deleted"
                || (rest.count > 1 && "fvabl".contains(rest.first!) && rest.dropFirst().allSatisfy { $0.isASCII && $0.isNumber })
            if temporary {
                throw Pg2srError.usage("column \(quoted) has the name of one of pg2sr's temporary load columns; rename it or leave the table out")
            }
        }
    }
}
