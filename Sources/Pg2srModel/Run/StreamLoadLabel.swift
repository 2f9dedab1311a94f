// Deterministic Stream Load labels and the run ids they are made of.
import Pg2srSupport

/// Deterministic Stream Load labels: the same (run, table, chunk) always gets the same label,
/// so a retry or a resumed run can never load a chunk twice (StarRocks refuses a label that
/// a committed load already used). Labels must match `^[-\w]{1,128}$`.
public enum StreamLoadLabel {
    public static func make(runID: String, table: String, chunk: Int) -> String {
        make(runID: runID, table: table, suffix: String(chunk))
    }

    /// The label of the one transaction that loads a whole table (tables without a key).
    public static func makeForTable(runID: String, table: String) -> String {
        make(runID: runID, table: table, suffix: "table")
    }

    static func make(runID: String, table: String, suffix: String) -> String {
        // Table names may hold anything; keep a readable ASCII part and a hash of the exact name.
        let readable = String(table.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) ? Character(scalar) : "_"
        }.prefix(40))
        let hash = String(StableHash.fnv1a64(table), radix: 16)
        return "pg2sr-\(runID)-\(readable)-\(hash)-\(suffix)"
    }

    /// Run ids are part of labels and job names: ASCII letters, digits, `_` and `-`.
    public static func isValidRunID(_ runID: String) -> Bool {
        !runID.isEmpty && runID.count <= 40
            && runID.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }
}
