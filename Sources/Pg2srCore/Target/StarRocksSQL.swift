import Foundation

/// Quoting for StarRocks SQL text (MySQL dialect).
public enum StarRocksSQL {
    public static func quoteIdentifier(_ identifier: String) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
    }

    public static func quoteString(_ value: String) -> String {
        var out = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    public static func literal(_ value: String?) -> String {
        value.map(quoteString) ?? "NULL"
    }
}
