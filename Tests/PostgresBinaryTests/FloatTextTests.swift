import Testing
@testable import PostgresBinary

/// float4/float8 text against PostgreSQL's own output (literals below are what PostgreSQL 15
/// prints with extra_float_digits = 1) and, for the digits, against Swift's `description`, which
/// implements the same specification (shortest round-trip, closest to the exact value).
@Suite struct FloatTextTests {
    static func text(_ value: Double) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FloatText.maxLength) { p in
            String(decoding: UnsafeBufferPointer(start: p.baseAddress!, count: FloatText.write(value, to: p.baseAddress!)), as: UTF8.self)
        }
    }

    static func text(_ value: Float) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: FloatText.maxLength) { p in
            String(decoding: UnsafeBufferPointer(start: p.baseAddress!, count: FloatText.write(value, to: p.baseAddress!)), as: UTF8.self)
        }
    }

    @Test(arguments: [
        ("1e15", "1e+15"), ("123456789012345", "123456789012345"), ("1234567890123456", "1.234567890123456e+15"),
        ("1e14", "100000000000000"), ("0.0001", "0.0001"), ("0.00001", "1e-05"), ("0.000123", "0.000123"), ("5e-324", "5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"), ("-0", "-0"), ("0", "0"), ("0.1", "0.1"), ("1e16", "1e+16"), ("1e22", "1e+22"),
        ("1e23", "9.999999999999999e+22"), ("12345678901234567", "1.2345678901234568e+16"), ("100", "100"), ("1.5e300", "1.5e+300"),
        ("nan", "NaN"), ("-nan", "NaN"), ("inf", "Infinity"), ("-inf", "-Infinity"), ("2.2250738585072014e-308", "2.2250738585072014e-308"),
        ("2.225073858507201e-308", "2.225073858507201e-308"), ("0.3333333333333333", "0.3333333333333333"), ("-1.5", "-1.5"),
        ("123.456", "123.456"), ("0.30000000000000004", "0.30000000000000004"), ("9007199254740993", "9.007199254740992e+15"),
    ])
    func float8MatchesPostgres(input: String, expected: String) {
        #expect(Self.text(Double(input)!) == expected)
    }

    @Test(arguments: [
        ("1e6", "1e+06"), ("123456", "123456"), ("1234567", "1.234567e+06"), ("100000", "100000"), ("0.0001", "0.0001"), ("0.00001", "1e-05"),
        ("1e-45", "1e-45"), ("3.4028235e38", "3.4028235e+38"), ("0.1", "0.1"), ("16777216", "1.6777216e+07"), ("-0", "-0"), ("nan", "NaN"),
        ("inf", "Infinity"), ("-inf", "-Infinity"), ("0.33333334", "0.33333334"), ("1.1754944e-38", "1.1754944e-38"),
    ])
    func float4MatchesPostgres(input: String, expected: String) {
        #expect(Self.text(Float(input)!) == expected)
    }

    /// (digits, exponent) of Swift's description, trailing zeros folded into the exponent.
    static func digits(ofDescription text: String) -> (UInt64, Int) {
        var mantissa = Substring(text.drop(while: { $0 == "-" }))
        var exponent = 0
        if let e = mantissa.firstIndex(of: "e") {
            exponent = Int(mantissa[mantissa.index(after: e)...])!
            mantissa = mantissa[..<e]
        }
        var digits: UInt64 = 0
        var fraction = 0
        var afterPoint = false
        for c in mantissa {
            if c == "." { afterPoint = true; continue }
            digits = digits * 10 + UInt64(c.wholeNumberValue!)
            if afterPoint { fraction += 1 }
        }
        exponent -= fraction
        while digits != 0 && digits % 10 == 0 {
            digits /= 10
            exponent += 1
        }
        return (digits, exponent)
    }

    static func normalized(_ d: ShortestDecimal) -> (UInt64, Int) {
        var (m, e) = (d.mantissa, Int(d.exponent))
        while m % 10 == 0 {
            m /= 10
            e += 1
        }
        return (m, e)
    }

    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func float8DigitsEqualSwiftsShortestOverRandomAndBoundaryValues() {
        var values: [Double] = []
        var random = SplitMix64(state: 42)
        for _ in 0..<300_000 { values.append(Double(bitPattern: random.next())) }
        for _ in 0..<100_000 { values.append(Double(bitPattern: random.next() & 0x000F_FFFF_FFFF_FFFF)) } // subnormals
        for e in 1..<2047 { values.append(Double(bitPattern: UInt64(e) << 52)) } // powers of two: asymmetric interval
        for e in 1..<2047 { values.append(Double(bitPattern: UInt64(e) << 52 | 1)) }
        for k in -325...308 { if let v = Double("1e\(k)") { values.append(v); values.append(v.nextUp); values.append(v.nextDown) } }
        for n in 1..<5000 { values.append(Double(n) / 7); values.append(Double(n) * 1e10 + 0.5) }
        var mismatches: [String] = []
        for value in values where value.isFinite && value != 0 {
            let bits = value.bitPattern
            let mine = Ryu.shortest(mantissa: bits & ((1 << 52) - 1), exponent: UInt32((bits >> 52) & 0x7FF), strict: true)
            if Self.normalized(mine) != Self.digits(ofDescription: value.description) || Self.normalized(mine).0 != mine.mantissa {
                mismatches.append("\(value.description) → \(mine)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func float4DigitsEqualSwiftsShortestOverRandomAndBoundaryValues() {
        var values: [Float] = []
        var random = SplitMix64(state: 7)
        for _ in 0..<300_000 { values.append(Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))) }
        for m in 0..<(1 << 16) { values.append(Float(bitPattern: UInt32(m) * 127)) } // subnormals and small normals
        for e in 1..<255 { values.append(Float(bitPattern: UInt32(e) << 23)); values.append(Float(bitPattern: UInt32(e) << 23 | 1)) }
        for k in -46...38 { if let v = Float("1e\(k)") { values.append(v); values.append(v.nextUp); values.append(v.nextDown) } }
        var mismatches: [String] = []
        for value in values where value.isFinite && value != 0 {
            let bits = value.bitPattern
            let mine = Ryu.shortest(mantissa: bits & ((1 << 23) - 1), exponent: (bits >> 23) & 0xFF, strict: true)
            if Self.normalized(mine) != Self.digits(ofDescription: value.description) || Self.normalized(mine).0 != mine.mantissa {
                mismatches.append("\(value.description) → \(mine)")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }
}
