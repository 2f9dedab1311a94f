// StarRocks column types, reduced to what canonical rendering needs.
import Foundation

/// A StarRocks column type as pg2sr writes it (`DECIMAL(12,2)`, `ARRAY<VARCHAR(40)>`) or as
/// `information_schema` prints it (`decimal(12,2)`, `int(11)`), reduced to what canonical
/// rendering needs.
indirect enum TargetType: Equatable, Sendable {
    case integer
    case boolean
    case float
    case double
    case decimal(precision: Int, scale: Int)
    /// CHAR/VARCHAR/STRING with its byte limit.
    case string(bytes: Int?)
    case date
    case datetime
    case json
    case binary
    case array(TargetType)
    case other

    init(_ text: String) {
        let type = text.trimmingCharacters(in: .whitespaces).uppercased()
        if type.hasPrefix("ARRAY<"), type.hasSuffix(">") {
            self = .array(TargetType(String(type.dropFirst(6).dropLast())))
            return
        }
        let base = String(type.prefix { $0.isLetter || $0.isNumber })
        let parameters = type.drop { $0 != "(" }.dropFirst().prefix { $0 != ")" }
            .split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        switch base {
        case "TINYINT", "SMALLINT", "INT", "INTEGER", "BIGINT", "LARGEINT": self = .integer
        case "BOOLEAN", "BOOL": self = .boolean
        case "FLOAT": self = .float
        case "DOUBLE": self = .double
        case "DECIMAL", "DECIMALV2", "DECIMAL32", "DECIMAL64", "DECIMAL128", "DECIMAL256", "NUMERIC":
            self = .decimal(precision: parameters.first ?? 10, scale: parameters.count > 1 ? parameters[1] : 0)
        case "CHAR", "VARCHAR": self = .string(bytes: parameters.first)
        case "STRING", "TEXT": self = .string(bytes: nil)
        case "DATE": self = .date
        case "DATETIME", "TIMESTAMP": self = .datetime
        case "JSON": self = .json
        case "VARBINARY", "BINARY": self = .binary
        default: self = .other
        }
    }

    /// StarRocks may compare and range-scan a column of this type (key types).
    var isOrderable: Bool {
        switch self {
        case .integer, .boolean, .string, .date, .datetime: true
        default: false
        }
    }
}
