/// The JSON number check of pg2sr's SQL guard (TypeMapping.jsonRejects): a StarRocks JSON value
/// keeps integers as 64-bit and other numbers as doubles, so a number that is neither an integer
/// in -2^63 ... 2^64-1 nor, within 1e-307 ... 1e308, the shortest form of a double would change.
/// The guard first runs a cheap regular expression over the text and then walks the document's
/// numbers as jsonb holds them (a json document's duplicate keys keep their last value).
enum JSONNumbers {
    /// `text ~ '[0-9.]{16}'`, and for json also `|[eE][+-]?[0-9]{3}`.
    static func mayHoldInexact(_ text: UnsafeRawBufferPointer, exponents: Bool) -> Bool {
        if exponents && hasLongExponent(text) { return true }
        return hasRunOf16DigitsOrPoints(text)
    }

    @inline(__always) static func isDigitOrPoint(_ byte: UInt8) -> Bool { (byte >= 0x30 && byte <= 0x39) || byte == 0x2E }

    /// A run of 16 bytes from [0-9.]: looks at every 16th byte first (a run must contain one).
    static func hasRunOf16DigitsOrPoints(_ text: UnsafeRawBufferPointer) -> Bool {
        let count = text.count
        var i = 0
        while i + 16 <= count {
            guard isDigitOrPoint(text[i + 15]) else {
                i += 16
                continue
            }
            var start = i + 15
            while start > i && isDigitOrPoint(text[start - 1]) { start -= 1 }
            var end = i + 16
            while end < count && end - start < 16 && isDigitOrPoint(text[end]) { end += 1 }
            if end - start >= 16 { return true }
            i = end + 1
        }
        return false
    }

    /// `[eE][+-]?[0-9]{3}` anywhere.
    static func hasLongExponent(_ text: UnsafeRawBufferPointer) -> Bool {
        let count = text.count
        var i = 0
        while i < count {
            let byte = text[i]
            i += 1
            guard byte | 0x20 == UInt8(ascii: "e") else { continue }
            var j = i
            if j < count && (text[j] == UInt8(ascii: "+") || text[j] == UInt8(ascii: "-")) { j += 1 }
            if j + 3 <= count && (j..<(j + 3)).allSatisfy({ text[$0] >= 0x30 && text[$0] <= 0x39 }) { return true }
        }
        return false
    }

    /// The plain scan both tests replace (kept as the reference the unit tests compare with).
    static func mayHoldInexactByScanning(_ text: UnsafeRawBufferPointer, exponents: Bool) -> Bool {
        var run = 0
        let count = text.count
        var i = 0
        while i < count {
            let byte = text[i]
            if (byte >= 0x30 && byte <= 0x39) || byte == 0x2E {
                run += 1
                if run >= 16 { return true }
            } else {
                run = 0
                if exponents && (byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")) {
                    var j = i + 1
                    if j < count && (text[j] == UInt8(ascii: "+") || text[j] == UInt8(ascii: "-")) { j += 1 }
                    if j + 3 <= count && (j..<(j + 3)).allSatisfy({ text[$0] >= 0x30 && text[$0] <= 0x39 }) { return true }
                }
            }
            i += 1
        }
        return false
    }

    /// Whether the document holds an inexact number; `lastKeyWins` for json text (jsonb has
    /// unique keys already).
    static func hasInexactNumber(_ text: UnsafeRawBufferPointer, lastKeyWins: Bool) -> Bool {
        guard scanForInexact(text) else { return false }
        guard lastKeyWins else { return true }
        // Rare: an inexact literal exists; it counts only if its key is not overridden later.
        var walker = Walker(text: text)
        return walker.value() ?? true
    }

    /// Any inexact number literal outside strings.
    private static func scanForInexact(_ text: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = text.count
        while i < count {
            let byte = text[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                while i < count && text[i] != UInt8(ascii: "\"") { i += text[i] == UInt8(ascii: "\\") ? 2 : 1 }
                i += 1
            } else if byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) {
                let start = i
                while i < count, isNumberByte(text[i]) { i += 1 }
                if !isExact(UnsafeRawBufferPointer(rebasing: text[start..<i])) { return true }
            } else {
                i += 1
            }
        }
        return false
    }

    @inline(__always) static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }

    /// Whether StarRocks holds the JSON number `literal` exactly.
    static func isExact(_ literal: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let negative = literal.first == UInt8(ascii: "-")
        if negative { i = 1 }
        // Significant digits (up to 21) and the power of ten of the last one kept.
        var digits: UInt64 = 0
        var kept = 0
        var dropped = 0 // significant digits beyond 20: the number is inexact unless they are zeros
        var nonZeroDropped = false
        var pendingZeros = 0 // zeros after the last non-zero digit, not yet in `digits`
        var scale = 0 // digits after the point
        var afterPoint = false
        var exponent = 0
        while i < literal.count {
            let b = literal[i]
            if b == UInt8(ascii: ".") {
                afterPoint = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                i += 1
                var sign = 1
                if i < literal.count && (literal[i] == UInt8(ascii: "+") || literal[i] == UInt8(ascii: "-")) {
                    sign = literal[i] == UInt8(ascii: "-") ? -1 : 1
                    i += 1
                }
                var e = 0
                while i < literal.count {
                    e = min(e * 10 + Int(literal[i] - 48), 1_000_000_000)
                    i += 1
                }
                exponent = sign * e
                break
            } else {
                let d = UInt64(b - 48)
                if afterPoint { scale += 1 }
                if d == 0 {
                    if kept > 0 || dropped > 0 { pendingZeros += 1 }
                } else if kept + pendingZeros + 1 <= 20 && dropped == 0 {
                    // 20 digits may pass UInt64.max: then it is no 64-bit integer and (over 17
                    // digits) no double either.
                    for _ in 0...pendingZeros {
                        let (shifted, overflow) = digits.multipliedReportingOverflow(by: 10)
                        if overflow { return false }
                        digits = shifted
                    }
                    let (sum, overflow) = digits.addingReportingOverflow(d)
                    if overflow { return false }
                    digits = sum
                    kept += pendingZeros + 1
                    pendingZeros = 0
                } else {
                    dropped += pendingZeros + 1
                    pendingZeros = 0
                    nonZeroDropped = true
                }
            }
            i += 1
        }
        if kept == 0 && !nonZeroDropped { return true } // zero
        if nonZeroDropped { return false } // more than 20 significant digits
        // value = digits × 10^e10
        let e10 = exponent - scale + pendingZeros
        if e10 >= 0 && kept + e10 <= 20 {
            var value = digits
            var overflow = false
            for _ in 0..<e10 {
                let (v, o) = value.multipliedReportingOverflow(by: 10)
                value = v
                overflow = overflow || o
            }
            if !overflow && (negative ? value <= UInt64(Int64.max) + 1 : true) { return true }
        }
        let scientific = e10 + kept - 1
        guard scientific >= -307 && (scientific < 308 || (scientific == 308 && digits == 1)) else { return false }
        guard kept <= 17, let double = Double(String(decoding: literal, as: UTF8.self)), double.isFinite else { return false }
        let bits = double.bitPattern
        var shortest = Ryu.shortest(mantissa: bits & ((1 << 52) - 1), exponent: UInt32((bits >> 52) & 0x7FF))
        while shortest.mantissa % 10 == 0 {
            shortest.mantissa /= 10
            shortest.exponent += 1
        }
        return shortest.mantissa == digits && Int(shortest.exponent) == e10
    }

    /// A JSON parser just sufficient for the duplicate-key rule: returns whether a value holds an
    /// inexact number, objects keeping each key's last value; nil on text it does not understand.
    struct Walker {
        let text: UnsafeRawBufferPointer
        var i = 0

        init(text: UnsafeRawBufferPointer) { self.text = text }

        mutating func skipSpace() {
            while i < text.count, [0x20, 0x09, 0x0A, 0x0D].contains(text[i]) { i += 1 }
        }

        mutating func value() -> Bool? {
            skipSpace()
            guard i < text.count else { return nil }
            switch text[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [[UInt8]: Bool] = [:]
                skipSpace()
                if i < text.count && text[i] == UInt8(ascii: "}") {
                    i += 1
                    return false
                }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard i < text.count, text[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let inexact = value() else { return nil }
                    members[key] = inexact
                    skipSpace()
                    guard i < text.count else { return nil }
                    if text[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard text[i] == UInt8(ascii: "}") else { return nil }
                    i += 1
                    return members.values.contains(true)
                }
            case UInt8(ascii: "["):
                i += 1
                var any = false
                skipSpace()
                if i < text.count && text[i] == UInt8(ascii: "]") {
                    i += 1
                    return false
                }
                while true {
                    guard let inexact = value() else { return nil }
                    any = any || inexact
                    skipSpace()
                    guard i < text.count else { return nil }
                    if text[i] == UInt8(ascii: ",") { i += 1; continue }
                    guard text[i] == UInt8(ascii: "]") else { return nil }
                    i += 1
                    return any
                }
            case UInt8(ascii: "\""):
                return string() == nil ? nil : false
            case UInt8(ascii: "-"), 0x30...0x39:
                let start = i
                while i < text.count, JSONNumbers.isNumberByte(text[i]) { i += 1 }
                return !JSONNumbers.isExact(UnsafeRawBufferPointer(rebasing: text[start..<i]))
            default:
                while i < text.count, text[i] >= UInt8(ascii: "a"), text[i] <= UInt8(ascii: "z") { i += 1 } // true, false, null
                return false
            }
        }

        /// A string's decoded UTF-8 bytes (jsonb compares keys after unescaping).
        mutating func string() -> [UInt8]? {
            guard i < text.count, text[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            var bytes: [UInt8] = []
            var pendingHigh: UInt32? = nil
            while i < text.count {
                let b = text[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return bytes
                }
                guard b == UInt8(ascii: "\\") else {
                    bytes.append(b)
                    i += 1
                    continue
                }
                guard i + 1 < text.count else { return nil }
                let e = text[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 <= text.count, let unit = UInt32(String(decoding: UnsafeRawBufferPointer(rebasing: text[i..<(i + 4)]), as: UTF8.self), radix: 16) else { return nil }
                    i += 4
                    if (0xD800...0xDBFF).contains(unit) {
                        pendingHigh = unit
                        continue
                    }
                    var scalarValue = unit
                    if let high = pendingHigh, (0xDC00...0xDFFF).contains(unit) {
                        scalarValue = 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00)
                    }
                    pendingHigh = nil
                    if let scalar = Unicode.Scalar(scalarValue) { bytes.append(contentsOf: Array(String(Character(scalar)).utf8)) }
                default: bytes.append(e)
                }
            }
            return nil
        }
    }
}
