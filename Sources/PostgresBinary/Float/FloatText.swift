/// float4/float8 as PostgreSQL prints them with extra_float_digits > 0 (float4out/float8out
/// → d2s.c/f2s.c `to_chars`): the shortest digits that read back exactly (Ryu), in fixed
/// notation when the decimal exponent is in -4 ..< 15 (float8) or -4 ..< 6 (float4) — printf's
/// %g thresholds — else `d.ddde±XX` (two exponent digits at least); `NaN`, `Infinity`,
/// `-Infinity`, `0`, `-0`.
enum FloatText {
    /// Longest output: `-` + 17 digits + `.` + `e-324` fits, as does `-0.0001` + 17 digits.
    static let maxLength = 32

    /// The value's text form; returns its length.
    static func write(_ value: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let bits = value.bitPattern
        let negative = bits >> 63 != 0
        let mantissa = bits & ((1 << 52) - 1)
        let exponent = UInt32((bits >> 52) & 0x7FF)
        if exponent == 0x7FF || (exponent == 0 && mantissa == 0) {
            return special(negative: negative, infinite: exponent != 0, nan: mantissa != 0, to: p)
        }
        let decimal = Ryu.shortest(mantissa: mantissa, exponent: exponent)
        return layout(decimal, negative: negative, fixedBelow: 15, to: p)
    }

    static func write(_ value: Float, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let bits = value.bitPattern
        let negative = bits >> 31 != 0
        let mantissa = bits & ((1 << 23) - 1)
        let exponent = (bits >> 23) & 0xFF
        if exponent == 0xFF || (exponent == 0 && mantissa == 0) {
            return special(negative: negative, infinite: exponent != 0, nan: mantissa != 0, to: p)
        }
        let decimal = Ryu.shortest(mantissa: mantissa, exponent: exponent)
        return layout(decimal, negative: negative, fixedBelow: 6, to: p)
    }

    /// copy_special_str: NaN has no sign.
    private static func special(negative: Bool, infinite: Bool, nan: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var text: StaticString = "0"
        if nan { text = "NaN" } else if infinite { text = "Infinity" }
        var n = 0
        if negative && !nan {
            p[0] = UInt8(ascii: "-")
            n = 1
        }
        text.withUTF8Buffer { bytes in
            for byte in bytes {
                p[n] = byte
                n += 1
            }
        }
        return n
    }

    /// `decimal` (mantissa × 10^exponent) in PostgreSQL's layout.
    static func layout(_ decimal: ShortestDecimal, negative: Bool, fixedBelow limit: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = 0
        if negative {
            p[0] = UInt8(ascii: "-")
            n = 1
        }
        let digits = DecimalDigits.count(decimal.mantissa)
        let exponent = Int(decimal.exponent)
        let scientific = exponent + digits - 1
        if scientific >= -4 && scientific < limit {
            if exponent >= 0 {
                DecimalDigits.write(decimal.mantissa, width: digits, to: p + n)
                n += digits
                for _ in 0..<exponent {
                    p[n] = UInt8(ascii: "0")
                    n += 1
                }
            } else if scientific >= 0 {
                // ddd.ddd: the point after scientific + 1 digits.
                let integerDigits = scientific + 1
                DecimalDigits.write(decimal.mantissa, width: digits, to: p + n + 1)
                for k in 0..<integerDigits { p[n + k] = p[n + k + 1] }
                p[n + integerDigits] = UInt8(ascii: ".")
                n += digits + 1
            } else {
                p[n] = UInt8(ascii: "0")
                p[n + 1] = UInt8(ascii: ".")
                n += 2
                for _ in 0..<(-scientific - 1) {
                    p[n] = UInt8(ascii: "0")
                    n += 1
                }
                DecimalDigits.write(decimal.mantissa, width: digits, to: p + n)
                n += digits
            }
            return n
        }
        // d.ddde±XX
        DecimalDigits.write(decimal.mantissa, width: digits, to: p + n + 1)
        p[n] = p[n + 1]
        if digits > 1 {
            p[n + 1] = UInt8(ascii: ".")
            n += digits + 1
        } else {
            n += 1
        }
        p[n] = UInt8(ascii: "e")
        p[n + 1] = scientific < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+")
        n += 2
        n += DecimalDigits.write(UInt64(abs(scientific)), minimumWidth: 2, to: p + n)
        return n
    }
}
