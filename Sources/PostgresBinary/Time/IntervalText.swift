/// An interval in its send format (int64 microseconds, int32 days, int32 months) as
/// interval_out prints it with IntervalStyle postgres, and in Debezium's string form.
struct IntervalValue {
    var microseconds: Int64
    var days: Int32
    var months: Int32

    init(_ p: UnsafeRawPointer) {
        microseconds = p.bigEndianInt64(at: 0)
        days = p.bigEndianInt32(at: 8)
        months = p.bigEndianInt32(at: 12)
    }

    /// interval2itm: every field truncated toward zero, so each has the sign of its part.
    var fields: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int32, fraction: Int32) {
        let clock = DateTimeText.clock(microseconds)
        return (Int64(months / 12), Int64(months % 12), Int64(days), clock.hour, clock.minute, clock.second, clock.fraction)
    }

    static let maxLength = 128

    /// EncodeInterval, INTSTYLE_POSTGRES: `1 year 2 mons -3 days +04:05:06.5`.
    func writePostgres(to p: UnsafeMutablePointer<UInt8>) -> Int {
        let f = fields
        var n = 0
        var isZero = true
        var isBefore = false
        func part(_ value: Int64, _ unit: StaticString) {
            guard value != 0 else { return }
            if !isZero {
                p[n] = UInt8(ascii: " ")
                n += 1
            }
            if isBefore && value > 0 {
                p[n] = UInt8(ascii: "+")
                n += 1
            }
            n += DecimalDigits.write(signed: value, to: p + n)
            p[n] = UInt8(ascii: " ")
            n += 1
            n += (p + n).copy(unit)
            if value != 1 {
                p[n] = UInt8(ascii: "s")
                n += 1
            }
            isBefore = value < 0
            isZero = false
        }
        part(f.year, "year")
        part(f.month, "mon")
        part(f.day, "day")
        if isZero || f.hour != 0 || f.minute != 0 || f.second != 0 || f.fraction != 0 {
            let minus = f.hour < 0 || f.minute < 0 || f.second < 0 || f.fraction < 0
            if !isZero {
                p[n] = UInt8(ascii: " ")
                n += 1
            }
            if minus || isBefore {
                p[n] = minus ? UInt8(ascii: "-") : UInt8(ascii: "+")
                n += 1
            }
            n += DecimalDigits.write(f.hour.magnitude, minimumWidth: 2, to: p + n)
            p[n] = UInt8(ascii: ":")
            DecimalDigits.write(f.minute.magnitude, width: 2, to: p + n + 1)
            p[n + 3] = UInt8(ascii: ":")
            n += 4
            n += DateTimeText.writeSeconds(f.second, f.fraction, to: p + n)
        }
        return n
    }

    /// What pg2sr's SQL rendering computes (TypeMapping.debeziumInterval):
    /// `P<y>Y<m>M<d>DT<h>H<min>M<s>S` with the seconds as Debezium computes them — whole seconds
    /// plus micros / 1e6 in double precision, printed shortest (as float8out), truncated to 9
    /// decimals, trailing zeros dropped.
    func writeDebezium(to p: UnsafeMutablePointer<UInt8>) -> Int {
        let f = fields
        var n = p.copy("P")
        func field(_ value: Int64, _ unit: UnicodeScalar) {
            n += DecimalDigits.write(signed: value, to: p + n)
            p[n] = UInt8(ascii: unit)
            n += 1
        }
        field(f.year, "Y")
        field(f.month, "M")
        field(f.day, "D")
        p[n] = UInt8(ascii: "T")
        n += 1
        field(f.hour, "H")
        field(f.minute, "M")
        n += Self.writeDebeziumSeconds(Double(f.second) + Double(f.fraction) / 1_000_000, to: p + n)
        p[n] = UInt8(ascii: "S")
        return n + 1
    }

    /// `trim_scale(trunc(x::text::numeric, 9))::text` for |x| < 60.
    static func writeDebeziumSeconds(_ seconds: Double, to p: UnsafeMutablePointer<UInt8>) -> Int {
        guard seconds != 0 else { return p.copy("0") }
        let bits = seconds.bitPattern
        var decimal = Ryu.shortest(mantissa: bits & ((1 << 52) - 1), exponent: UInt32((bits >> 52) & 0x7FF))
        // Truncate to 9 decimals, then drop trailing zeros.
        while decimal.exponent < -9 {
            decimal.mantissa /= 10
            decimal.exponent += 1
        }
        guard decimal.mantissa != 0 else { return p.copy("0") }
        while decimal.mantissa % 10 == 0 {
            decimal.mantissa /= 10
            decimal.exponent += 1
        }
        var n = 0
        if seconds < 0 {
            p[0] = UInt8(ascii: "-")
            n = 1
        }
        let digits = DecimalDigits.count(decimal.mantissa)
        let exponent = Int(decimal.exponent)
        if exponent >= 0 {
            n += DecimalDigits.write(decimal.mantissa, to: p + n)
            for _ in 0..<exponent {
                p[n] = UInt8(ascii: "0")
                n += 1
            }
            return n
        }
        let fractionDigits = -exponent
        if digits > fractionDigits {
            let integerDigits = digits - fractionDigits
            DecimalDigits.write(decimal.mantissa, width: digits, to: p + n + 1)
            for k in 0..<integerDigits { p[n + k] = p[n + k + 1] }
            p[n + integerDigits] = UInt8(ascii: ".")
            return n + digits + 1
        }
        n += (p + n).copy("0.")
        for _ in 0..<(fractionDigits - digits) {
            p[n] = UInt8(ascii: "0")
            n += 1
        }
        DecimalDigits.write(decimal.mantissa, width: digits, to: p + n)
        return n + digits
    }
}
