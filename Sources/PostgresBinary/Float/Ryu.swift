/// Shortest round-tripping decimal digits of a binary float: Ryu (Ulf Adams, "Ryū: fast
/// float-to-string conversion", PLDI 2018), the algorithm PostgreSQL 12+ uses for float4/float8
/// output when extra_float_digits > 0 (src/common/d2s.c, f2s.c). Among the shortest digit strings
/// that read back as the same value it picks the one closest to the exact value (ties to even).
///
/// PostgreSQL's copy differs from upstream Ryu in two ways, mirrored here (`strict: false`, the
/// default): it never accepts the interval's bounds (STRICTLY_SHORTEST is off, so `1e23` reads
/// back as 99999999999999991611392 but prints `9.999999999999999e+22`), and float8's trailing-zero
/// test for negative exponents checks q - 1 bits. `strict: true` is upstream Ryu, whose output
/// Swift's `description` shares (the unit tests compare the two).
///
/// The result is `mantissa × 10^exponent` for a finite, non-zero, positive value.
struct ShortestDecimal: Equatable {
    var mantissa: UInt64
    var exponent: Int32
}

enum Ryu {
    // MARK: - Helpers (exact for the ranges Ryu uses them in)

    /// ⌈log2(5^e)⌉ (the bit length of 5^e, 1 for e = 0), for 0 ≤ e ≤ 3528.
    @inline(__always) static func pow5bits(_ e: Int32) -> Int32 { Int32(truncatingIfNeeded: (UInt32(e) &* 1_217_359) >> 19) + 1 }
    /// ⌊log10(2^e)⌋ for 0 ≤ e ≤ 1650.
    @inline(__always) static func log10Pow2(_ e: Int32) -> UInt32 { (UInt32(e) &* 78913) >> 18 }
    /// ⌊log10(5^e)⌋ for 0 ≤ e ≤ 2620.
    @inline(__always) static func log10Pow5(_ e: Int32) -> UInt32 { (UInt32(e) &* 732_923) >> 20 }

    @inline(__always) static func pow5Factor(_ value: UInt64) -> UInt32 {
        var value = value
        var count: UInt32 = 0
        while value % 5 == 0 {
            value /= 5
            count += 1
        }
        return count
    }

    @inline(__always) static func isMultipleOfPowerOf5(_ value: UInt64, _ p: UInt32) -> Bool { pow5Factor(value) >= p }
    @inline(__always) static func isMultipleOfPowerOf2(_ value: UInt64, _ p: UInt32) -> Bool { value & ((1 << UInt64(p)) &- 1) == 0 }

    /// (m × multiplier) >> shift, the multiplier being 128 bits (low, high); 64 < shift < 128.
    @inline(__always) static func mulShift64(_ m: UInt64, _ low: UInt64, _ high: UInt64, _ shift: Int32) -> UInt64 {
        let (high0, _) = m.multipliedFullWidth(by: low)
        let (high1, low1) = m.multipliedFullWidth(by: high)
        let (sum, carry) = high0.addingReportingOverflow(low1)
        let top = high1 &+ (carry ? 1 : 0)
        let distance = UInt64(shift - 64)
        return (top << (64 - distance)) | (sum >> distance)
    }

    /// Step 1 of both: the value as m2 · 2^(e2 + 2) with two extra bits for the interval's bounds;
    /// returns e2, mv = 4 m2, whether the lower bound is closer (mmShift 0 only for powers of two
    /// above the smallest normal) and whether the bounds themselves read back (`strict` only).
    @inline(__always)
    static func decode<T: FixedWidthInteger & UnsignedInteger>(_ ieeeMantissa: T, _ ieeeExponent: UInt32, bias: Int32, mantissaBits: Int32,
                                                               strict: Bool) -> (e2: Int32, mv: T, mmShift: T, acceptBounds: Bool) {
        let e2 = (ieeeExponent == 0 ? 1 : Int32(ieeeExponent)) - bias - mantissaBits - 2
        let m2 = ieeeExponent == 0 ? ieeeMantissa : (1 << mantissaBits) | ieeeMantissa
        let mmShift: T = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1 : 0
        return (e2, 4 * m2, mmShift, strict && m2 & 1 == 0)
    }

    /// Step 4 of both: drop digits while the interval [vm, vp] still holds a shorter number, then
    /// round vr (ties to even when the exact value is …50…0); `lastRemovedDigit` is a digit already
    /// removed below vr (float4 computes one ahead). Returns the digits and how many were removed.
    @inline(__always)
    static func removeDigits<T: FixedWidthInteger & UnsignedInteger>(_ vr: T, _ vp: T, _ vm: T, vmIsTrailingZeros: Bool, vrIsTrailingZeros: Bool,
                                                                     lastRemovedDigit: T, acceptBounds: Bool) -> (T, Int32) {
        var (vr, vp, vm) = (vr, vp, vm)
        var (vmIsTrailingZeros, vrIsTrailingZeros, lastRemovedDigit) = (vmIsTrailingZeros, vrIsTrailingZeros, lastRemovedDigit)
        var removed: Int32 = 0
        if vmIsTrailingZeros || vrIsTrailingZeros {
            // The general case (rare).
            while vp / 10 > vm / 10 {
                vmIsTrailingZeros = vmIsTrailingZeros && vm % 10 == 0
                vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
                lastRemovedDigit = vr % 10
                vr /= 10
                vp /= 10
                vm /= 10
                removed += 1
            }
            if vmIsTrailingZeros {
                while vm % 10 == 0 {
                    vrIsTrailingZeros = vrIsTrailingZeros && lastRemovedDigit == 0
                    lastRemovedDigit = vr % 10
                    vr /= 10
                    vp /= 10
                    vm /= 10
                    removed += 1
                }
            }
            if vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0 {
                lastRemovedDigit = 4 // exactly half way: round to even
            }
            let roundUp = (vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5
            return (vr + (roundUp ? 1 : 0), removed)
        }
        // The common case: two digits at a time first (the last removed digit decides the rounding).
        if vp / 100 > vm / 100 {
            lastRemovedDigit = vr % 100 / 10
            vr /= 100
            vp /= 100
            vm /= 100
            removed += 2
        }
        while vp / 10 > vm / 10 {
            lastRemovedDigit = vr % 10
            vr /= 10
            vp /= 10
            vm /= 10
            removed += 1
        }
        return (vr + (vr == vm || lastRemovedDigit >= 5 ? 1 : 0), removed)
    }

    // MARK: - float8

    /// Shortest digits of a finite, non-zero float8 given its biased exponent and stored mantissa.
    static func shortest(mantissa ieeeMantissa: UInt64, exponent ieeeExponent: UInt32, strict: Bool = false) -> ShortestDecimal {
        // Integers in [1, 2^53): the integer itself, trailing zeros moved to the exponent.
        let e2small = Int32(ieeeExponent) - 1023 - 52
        if e2small <= 0 && e2small >= -52 {
            let m2 = (1 << 52) | ieeeMantissa
            let shift = UInt64(-e2small)
            if m2 & ((1 << shift) &- 1) == 0 {
                var value = ShortestDecimal(mantissa: m2 >> shift, exponent: 0)
                while value.mantissa % 10 == 0 {
                    value.mantissa /= 10
                    value.exponent += 1
                }
                return value
            }
        }

        let (e2, mv, mmShift, acceptBounds) = decode(ieeeMantissa, ieeeExponent, bias: 1023, mantissaBits: 52, strict: strict)

        var vr: UInt64, vp: UInt64, vm: UInt64
        let e10: Int32
        var vmIsTrailingZeros = false
        var vrIsTrailingZeros = false
        if e2 >= 0 {
            let q = log10Pow2(e2) - (e2 > 3 ? 1 : 0)
            e10 = Int32(q)
            let k = ryuPow5Bitcount + pow5bits(Int32(q)) - 1
            let i = -e2 + Int32(q) + k
            let low = ryuInverseSplit[Int(q) * 2], high = ryuInverseSplit[Int(q) * 2 + 1]
            vr = mulShift64(mv, low, high, i)
            vp = mulShift64(mv + 2, low, high, i)
            vm = mulShift64(mv - 1 - mmShift, low, high, i)
            if q <= 21 {
                // Only one of mp, mv and mm can be a multiple of 5, if any.
                if mv % 5 == 0 {
                    vrIsTrailingZeros = isMultipleOfPowerOf5(mv, q)
                } else if acceptBounds {
                    vmIsTrailingZeros = isMultipleOfPowerOf5(mv - 1 - mmShift, q)
                } else if isMultipleOfPowerOf5(mv + 2, q) {
                    vp -= 1
                }
            }
        } else {
            let q = log10Pow5(-e2) - (-e2 > 1 ? 1 : 0)
            e10 = Int32(q) + e2
            let i = -e2 - Int32(q)
            let k = pow5bits(i) - ryuPow5Bitcount
            let j = Int32(q) - k
            let low = ryuPositiveSplit[Int(i) * 2], high = ryuPositiveSplit[Int(i) * 2 + 1]
            vr = mulShift64(mv, low, high, j)
            vp = mulShift64(mv + 2, low, high, j)
            vm = mulShift64(mv - 1 - mmShift, low, high, j)
            if q <= 1 {
                // mv = 4 m2 has at least two trailing zero bits.
                vrIsTrailingZeros = true
                if acceptBounds {
                    vmIsTrailingZeros = mmShift == 1
                } else {
                    vp -= 1
                }
            } else if q < 63 {
                vrIsTrailingZeros = isMultipleOfPowerOf2(mv, strict ? q : q - 1)
            }
        }

        let (output, removed) = removeDigits(vr, vp, vm, vmIsTrailingZeros: vmIsTrailingZeros, vrIsTrailingZeros: vrIsTrailingZeros,
                                             lastRemovedDigit: 0, acceptBounds: acceptBounds)
        return ShortestDecimal(mantissa: output, exponent: e10 + removed)
    }

    // MARK: - float4

    /// (m × factor) >> shift for a 64-bit factor; 32 < shift.
    @inline(__always) static func mulShift32(_ m: UInt32, _ factor: UInt64, _ shift: Int32) -> UInt32 {
        let bits0 = UInt64(m) * (factor & 0xFFFF_FFFF)
        let bits1 = UInt64(m) * (factor >> 32)
        let sum = (bits0 >> 32) + bits1
        return UInt32(truncatingIfNeeded: sum >> UInt64(shift - 32))
    }

    /// 5^-q scaled, from the upper half of the float8 table (+1: the table stores ⌊2^x/5^q⌋ + 1
    /// over 128 bits, whose upper half is ⌊2^(x-64)/5^q⌋).
    @inline(__always) static func mulPow5InvDivPow2(_ m: UInt32, _ q: UInt32, _ j: Int32) -> UInt32 {
        mulShift32(m, ryuInverseSplit[Int(q) * 2 + 1] + 1, j)
    }

    @inline(__always) static func mulPow5DivPow2(_ m: UInt32, _ i: UInt32, _ j: Int32) -> UInt32 {
        mulShift32(m, ryuPositiveSplit[Int(i) * 2 + 1], j)
    }

    /// Shortest digits of a finite, non-zero float4 given its biased exponent and stored mantissa.
    static func shortest(mantissa ieeeMantissa: UInt32, exponent ieeeExponent: UInt32, strict: Bool = false) -> ShortestDecimal {
        let bitcount = ryuPow5Bitcount - 64
        let (e2, mv, mmShift, acceptBounds) = decode(ieeeMantissa, ieeeExponent, bias: 127, mantissaBits: 23, strict: strict)
        let mp = mv + 2
        let mm = mv - 1 - mmShift

        var vr: UInt32, vp: UInt32, vm: UInt32
        let e10: Int32
        var vmIsTrailingZeros = false
        var vrIsTrailingZeros = false
        var lastRemovedDigit: UInt32 = 0
        if e2 >= 0 {
            let q = log10Pow2(e2)
            e10 = Int32(q)
            let k = bitcount + pow5bits(Int32(q)) - 1
            let i = -e2 + Int32(q) + k
            vr = mulPow5InvDivPow2(mv, q, i)
            vp = mulPow5InvDivPow2(mp, q, i)
            vm = mulPow5InvDivPow2(mm, q, i)
            if q != 0 && (vp - 1) / 10 <= vm / 10 {
                // One removed digit is needed even when no digit is removed below.
                let l = bitcount + pow5bits(Int32(q - 1)) - 1
                lastRemovedDigit = mulPow5InvDivPow2(mv, q - 1, -e2 + Int32(q) - 1 + l) % 10
            }
            if q <= 9 {
                if mv % 5 == 0 {
                    vrIsTrailingZeros = isMultipleOfPowerOf5(UInt64(mv), q)
                } else if acceptBounds {
                    vmIsTrailingZeros = isMultipleOfPowerOf5(UInt64(mm), q)
                } else if isMultipleOfPowerOf5(UInt64(mp), q) {
                    vp -= 1
                }
            }
        } else {
            let q = log10Pow5(-e2)
            e10 = Int32(q) + e2
            let i = -e2 - Int32(q)
            let k = pow5bits(i) - bitcount
            var j = Int32(q) - k
            vr = mulPow5DivPow2(mv, UInt32(i), j)
            vp = mulPow5DivPow2(mp, UInt32(i), j)
            vm = mulPow5DivPow2(mm, UInt32(i), j)
            if q != 0 && (vp - 1) / 10 <= vm / 10 {
                j = Int32(q) - 1 - (pow5bits(i + 1) - bitcount)
                lastRemovedDigit = mulPow5DivPow2(mv, UInt32(i + 1), j) % 10
            }
            if q <= 1 {
                vrIsTrailingZeros = true
                if acceptBounds {
                    vmIsTrailingZeros = mmShift == 1
                } else {
                    vp -= 1
                }
            } else if q < 31 {
                vrIsTrailingZeros = isMultipleOfPowerOf2(UInt64(mv), q - 1)
            }
        }

        let (output, removed) = removeDigits(vr, vp, vm, vmIsTrailingZeros: vmIsTrailingZeros, vrIsTrailingZeros: vrIsTrailingZeros,
                                             lastRemovedDigit: lastRemovedDigit, acceptBounds: acceptBounds)
        return ShortestDecimal(mantissa: UInt64(output), exponent: e10 + removed)
    }
}
