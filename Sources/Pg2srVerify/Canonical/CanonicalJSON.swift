// JSON text in one canonical form, so both sides' JSON compares exactly.

/// JSON text → one canonical text per JSON value: no whitespace, object keys sorted by their
/// UTF-8 bytes (a repeated key keeps its last value, as jsonb does), numbers as exact values
/// (`DecimalText.normalized`: 1.10, 1.1 and 11e-1 agree, so a double-based JSON store that
/// prints `1.1` for jsonb's `1.10` compares equal), strings with one escaping.
enum CanonicalJSON {
    static func canonical(_ text: String) -> String? {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        guard var out = parser.value() else { return nil }
        parser.skipSpace()
        guard parser.atEnd else { return nil }
        out.reserveCapacity(0)
        return out
    }

    /// A JSON string literal for `value`.
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    enum ArrayItem {
        case null
        /// A quoted element, decoded; the flag is unused but keeps quoted and bare apart.
        case text(String, quoted: Bool)
        /// A bare element (`12`, `true`, `nan`, `-inf`, `1e+20`).
        case token(String)
    }

    /// The elements of a one-dimensional `[...]` array (nil when it is not one).
    static func parseArrayItems(_ text: String) -> [ArrayItem]? {
        var parser = Parser(bytes: Array(text.utf8))
        parser.skipSpace()
        guard parser.take(UInt8(ascii: "[")) else { return nil }
        var items: [ArrayItem] = []
        parser.skipSpace()
        if parser.take(UInt8(ascii: "]")) {
            parser.skipSpace()
            return parser.atEnd ? items : nil
        }
        while true {
            parser.skipSpace()
            if parser.peek == UInt8(ascii: "\"") {
                guard let value = parser.string() else { return nil }
                items.append(.text(value, quoted: true))
            } else {
                let start = parser.index
                while let byte = parser.peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "]") {
                    if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "\"") { return nil }
                    parser.index += 1
                }
                let token = String(decoding: parser.bytes[start..<parser.index], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard !token.isEmpty else { return nil }
                items.append(token.lowercased() == "null" ? .null : .token(token))
            }
            parser.skipSpace()
            if parser.take(UInt8(ascii: ",")) { continue }
            guard parser.take(UInt8(ascii: "]")) else { return nil }
            parser.skipSpace()
            return parser.atEnd ? items : nil
        }
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var depth = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func literal(_ word: String) -> Bool {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else { return false }
            index += expected.count
            return true
        }

        mutating func value() -> String? {
            guard let byte = peek else { return nil }
            switch byte {
            case UInt8(ascii: "{"):
                depth += 1
                defer { depth -= 1 }
                guard depth < 1000 else { return nil }
                index += 1
                var members: [(key: [UInt8], value: String)] = []
                var positions: [[UInt8]: Int] = [:]
                skipSpace()
                if take(UInt8(ascii: "}")) { return "{}" }
                while true {
                    skipSpace()
                    guard peek == UInt8(ascii: "\""), let key = string() else { return nil }
                    skipSpace()
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipSpace()
                    guard let member = value() else { return nil }
                    let keyBytes = Array(key.utf8)
                    if let position = positions[keyBytes] {
                        members[position].value = member
                    } else {
                        positions[keyBytes] = members.count
                        members.append((keyBytes, member))
                    }
                    skipSpace()
                    if take(UInt8(ascii: ",")) { continue }
                    guard take(UInt8(ascii: "}")) else { return nil }
                    break
                }
                members.sort { $0.key.lexicographicallyPrecedes($1.key) }
                return "{" + members.map { CanonicalJSON.quoted(String(decoding: $0.key, as: UTF8.self)) + ":" + $0.value }.joined(separator: ",") + "}"
            case UInt8(ascii: "["):
                depth += 1
                defer { depth -= 1 }
                guard depth < 1000 else { return nil }
                index += 1
                var elements: [String] = []
                skipSpace()
                if take(UInt8(ascii: "]")) { return "[]" }
                while true {
                    skipSpace()
                    guard let element = value() else { return nil }
                    elements.append(element)
                    skipSpace()
                    if take(UInt8(ascii: ",")) { continue }
                    guard take(UInt8(ascii: "]")) else { return nil }
                    break
                }
                return "[" + elements.joined(separator: ",") + "]"
            case UInt8(ascii: "\""):
                return string().map(CanonicalJSON.quoted)
            case UInt8(ascii: "t"): return literal("true") ? "true" : nil
            case UInt8(ascii: "f"): return literal("false") ? "false" : nil
            case UInt8(ascii: "n"): return literal("null") ? "null" : nil
            default:
                let start = index
                while let byte = peek, (byte >= 48 && byte <= 57) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                        || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                    index += 1
                }
                guard index > start else { return nil }
                return DecimalText(String(decoding: bytes[start..<index], as: UTF8.self))?.normalized
            }
        }

        /// A JSON string at `index` (which is at the opening quote), decoded.
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            var out: [UInt8] = []
            while let byte = peek {
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = peek else { return nil }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var code = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(code) {
                            guard literal("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(code) {
                            return nil
                        }
                        guard let scalar = Unicode.Scalar(code) else { return nil }
                        out += Array(String(Character(scalar)).utf8)
                    default: return nil
                    }
                default:
                    out.append(byte)
                }
            }
            return nil
        }

        private mutating func hex4() -> UInt32? {
            guard index + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt32
                switch byte {
                case 48...57: digit = UInt32(byte - 48)
                case 65...70: digit = UInt32(byte - 55)
                case 97...102: digit = UInt32(byte - 87)
                default: return nil
                }
                value = value * 16 + digit
            }
            index += 4
            return value
        }
    }
}
