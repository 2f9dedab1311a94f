/// The Stream Load headers that tell StarRocks how to read PostgreSQL's COPY CSV output
/// (`FORMAT csv, NULL '\N'`): comma-separated, `"`-enclosed with doubled quotes as literals,
/// `\N` unenclosed = NULL, every row checked strictly and none allowed to be filtered.
enum StreamLoadFormat {
    static func headers(label: String, columns: [ColumnMapping], timeoutSeconds: Int) -> [(String, String)] {
        [
            ("label", label),
            ("format", "csv"),
            ("column_separator", ","),
            ("enclose", "\""),
            ("columns", columns.map { StarRocksSQL.quoteIdentifier($0.targetName) }.joined(separator: ",")),
            ("strict_mode", "true"),
            ("max_filter_ratio", "0"),
            ("timeout", String(timeoutSeconds)),
        ]
    }
}
