// One canonical text per value of a StarRocks type, from either side's rendering.
import Foundation

/// The canonical text of a value of a StarRocks type, computed the same way from PostgreSQL's
/// rendering (the mapping's `verifyExpression`) and from what StarRocks prints over MySQL, so
/// that two values are equal exactly when StarRocks holds the value the source has:
/// integers and decimals as exact numbers (decimals with the column's scale), floats through
/// their binary value, DATETIME as `YYYY-MM-DD HH:MM:SS.ffffff`, BOOLEAN as `1`/`0`, JSON
/// re-serialized (keys sorted, numbers normalized, no whitespace), arrays element by element,
/// VARBINARY as lower-case hex, strings byte for byte. Text that is not a valid value of the
/// type (a source value StarRocks cannot hold, e.g. `infinity` or too many digits) becomes
/// `CanonicalValue.invalidPrefix + text`, which equals no valid rendering.
enum CanonicalValue {
    static let invalidPrefix = "\u{0}invalid:"

    static func canonical(_ text: String?, as type: TargetType) -> String? {
        guard let text else { return nil }
        return canonicalOrNil(text, as: type) ?? invalidPrefix + text
    }

    static func canonicalOrNil(_ text: String, as type: TargetType) -> String? {
        switch type {
        case .integer: return integer(text)
        case .boolean:
            switch trimmed(text).lowercased() {
            case "1", "true", "t": return "1"
            case "0", "false", "f": return "0"
            default: return nil
            }
        case .float: return floating(text, single: true)
        case .double: return floating(text, single: false)
        case .decimal(let precision, let scale): return decimal(text, precision: precision, scale: scale)
        case .string(let bytes):
            if let bytes, text.utf8.count > bytes { return nil }
            return text
        case .date: return date(text)
        case .datetime: return datetime(text)
        case .json: return CanonicalJSON.canonical(text)
        case .binary:
            let lowered = text.lowercased()
            guard lowered.utf8.count % 2 == 0, lowered.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
            return lowered
        case .array(let element): return array(text, element: element)
        case .other: return text
        }
    }

    // MARK: - Numbers

    /// `text` without surrounding spaces/tabs (Foundation's trimming only when there are any).
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        if first != 0x20 && first != 0x09 && last != 0x20 && last != 0x09 { return text }
        return text.trimmingCharacters(in: .whitespaces)
    }

    static func integer(_ text: String) -> String? {
        // Fast path: already canonical (what both sides print nearly always).
        var utf8 = text.utf8[...]
        if utf8.first == UInt8(ascii: "-") { utf8 = utf8.dropFirst() }
        if let first = utf8.first, first != 48 || utf8.count == 1, utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text != "-0" { return text }
        var bytes = Array(trimmed(text).utf8)
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes.removeFirst()
        }
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        let digits = bytes.drop { $0 == 48 }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(decoding: digits, as: UTF8.self)
    }

    static func floating(_ text: String, single: Bool) -> String? {
        let lowered = trimmed(text).lowercased()
        switch lowered {
        case "nan", "-nan", "+nan": return "nan"
        case "inf", "infinity", "+inf", "+infinity": return "inf"
        case "-inf", "-infinity": return "-inf"
        default: break
        }
        if single {
            guard let value = Float(lowered), value.isFinite else { return nil }
            return value == 0 ? (value.sign == .minus ? "-0" : "0") : "\(value)"
        }
        guard let value = Double(lowered), value.isFinite else { return nil }
        return value == 0 ? (value.sign == .minus ? "-0" : "0") : "\(value)"
    }

    /// Exact decimal text → `-ddd.ff` with exactly `scale` fraction digits; nil when the value
    /// needs more fraction digits or more integer digits than the type has.
    static func decimal(_ text: String, precision: Int, scale: Int) -> String? {
        guard let parsed = DecimalText(text) else { return nil }
        var integerPart = parsed.integerDigits
        var fraction = parsed.fractionDigits
        // Drop trailing fraction zeros beyond the scale; anything else there is lost precision.
        while fraction.count > scale {
            guard fraction.last == 48 else { return nil }
            fraction.removeLast()
        }
        while fraction.count < scale { fraction.append(48) }
        integerPart = Array(integerPart.drop { $0 == 48 })
        guard integerPart.count <= precision - scale else { return nil }
        let isZero = integerPart.isEmpty && fraction.allSatisfy { $0 == 48 }
        var out = (parsed.negative && !isZero) ? "-" : ""
        out += integerPart.isEmpty ? "0" : String(decoding: integerPart, as: UTF8.self)
        if scale > 0 { out += "." + String(decoding: fraction, as: UTF8.self) }
        return out
    }

    // MARK: - Dates

    static func date(_ text: String) -> String? {
        let bytes = Array(trimmed(text).utf8)
        guard bytes.count == 10, validDate(bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD[ T]HH:MM:SS[.f{1,9}]` → `YYYY-MM-DD HH:MM:SS.ffffff` (digits beyond 6 must be 0).
    static func datetime(_ text: String) -> String? {
        var bytes = Array(trimmed(text).utf8)
        if bytes.count == 10 { bytes += Array(" 00:00:00".utf8) }
        guard bytes.count >= 19, validDate(Array(bytes[0..<10])), bytes[10] == 32 || bytes[10] == UInt8(ascii: "T"),
              bytes[13] == 58, bytes[16] == 58 else { return nil }
        let hour = Array(bytes[11..<13]), minute = Array(bytes[14..<16]), second = Array(bytes[17..<19])
        guard let h = number(hour), let m = number(minute), let s = number(second), h < 24, m < 60, s < 60 else { return nil }
        var fraction: [UInt8] = []
        if bytes.count > 19 {
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 20 else { return nil }
            fraction = Array(bytes[20...])
            guard fraction.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        }
        while fraction.count > 6 {
            guard fraction.last == 48 else { return nil }
            fraction.removeLast()
        }
        while fraction.count < 6 { fraction.append(48) }
        return String(decoding: bytes[0..<10], as: UTF8.self) + " " + String(decoding: bytes[11..<19], as: UTF8.self) + "." + String(decoding: fraction, as: UTF8.self)
    }

    private static func number(_ digits: [UInt8]) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - 48) }
    }

    private static func validDate(_ bytes: [UInt8]) -> Bool {
        guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
              let year = number(Array(bytes[0..<4])), let month = number(Array(bytes[5..<7])), let day = number(Array(bytes[8..<10])) else { return false }
        guard month >= 1 && month <= 12, day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days
    }

    // MARK: - Arrays

    /// `[e1,e2,null]` as StarRocks prints ARRAY values and as PostgreSQL's array_to_json (or
    /// pg2sr's element rendering) writes them: elements quoted JSON strings or bare tokens.
    static func array(_ text: String, element: TargetType) -> String? {
        guard let items = CanonicalJSON.parseArrayItems(text) else { return nil }
        var parts: [String] = []
        for item in items {
            switch item {
            case .null: parts.append("null")
            case .text(let value, _), .token(let value):
                guard let canonical = canonicalOrNil(value, as: element) else { return nil }
                switch element {
                case .string, .date, .datetime, .binary, .json: parts.append(CanonicalJSON.quoted(canonical))
                default: parts.append(canonical)
                }
            }
        }
        return "[" + parts.joined(separator: ",") + "]"
    }
}
