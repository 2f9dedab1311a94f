// Decimal number text taken apart (sign, digits, exponent applied), for exact comparisons.
import Foundation

/// Sign, integer and fraction digits of a decimal number's text (exponent applied).
struct DecimalText {
    var negative: Bool
    var integerDigits: [UInt8]
    var fractionDigits: [UInt8]

    init?(_ text: String) {
        var bytes = Array(CanonicalValue.trimmed(text).utf8)[...]
        negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var seenPoint = false
        var exponent = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte >= 48 && byte <= 57 {
                if seenPoint { fraction.append(byte) } else { integer.append(byte) }
            } else if byte == UInt8(ascii: ".") && !seenPoint {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                let rest = String(decoding: bytes[bytes.index(after: index)...], as: UTF8.self)
                guard let value = Int(rest.hasPrefix("+") ? String(rest.dropFirst()) : rest), abs(value) < 100_000 else { return nil }
                exponent = value
                break
            } else {
                return nil
            }
            index = bytes.index(after: index)
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        if exponent > 0 {
            let moved = fraction.prefix(exponent)
            integer += moved
            integer += Array(repeating: 48, count: exponent - moved.count)
            fraction = Array(fraction.dropFirst(moved.count))
        } else if exponent < 0 {
            let count = -exponent
            let moved = integer.suffix(count)
            fraction = Array(repeating: 48, count: count - moved.count) + moved + fraction
            integer = Array(integer.dropLast(moved.count))
        }
        integerDigits = integer
        fractionDigits = fraction
    }

    /// Canonical value text: digits without leading/trailing zeros and a power of ten, e.g.
    /// `11e-1` for 1.10, `1e2` for 100, `0` for zero (no sign).
    var normalized: String {
        var digits = Array(integerDigits.drop { $0 == 48 })
        var exponent = 0
        if digits.isEmpty {
            let leading = fractionDigits.prefix { $0 == 48 }.count
            digits = Array(fractionDigits.dropFirst(leading))
            exponent = -fractionDigits.count
        } else {
            digits += fractionDigits
            exponent = -fractionDigits.count
        }
        while let last = digits.last, last == 48 {
            digits.removeLast()
            exponent += 1
        }
        if digits.isEmpty { return "0" }
        return (negative ? "-" : "") + String(decoding: digits, as: UTF8.self) + (exponent == 0 ? "" : "e\(exponent)")
    }
}
