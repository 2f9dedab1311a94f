// `key=value` option values (`--property`, `--kafka-property`): split at the first `=`.
import Pg2srSupport

enum KeyValueArgument {
    /// `entry` split at its first `=` (the value may contain more); a usage error naming
    /// `option` when there is none.
    static func split(_ entry: String, option: String) throws -> (key: String, value: String) {
        guard let equals = entry.firstIndex(of: "=") else { throw Pg2srError.usage("\(option) '\(entry)' is not key=value") }
        return (String(entry[..<equals]), String(entry[entry.index(after: equals)...]))
    }
}
