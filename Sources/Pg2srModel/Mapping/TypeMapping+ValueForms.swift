// Value forms shared by several types: numeric precision, JSON guards, Debezium's interval text.
import Pg2srSupport

extension TypeMapping {
    /// numeric(p,s) and unconstrained numeric. PostgreSQL 15 allows a negative scale
    /// (numeric(5,-2) holds 12300) and a scale above the precision (numeric(2,5) holds 0.00012):
    /// the DECIMAL then has max(p - s, 0) integer digits and max(s, 0) fraction digits.
    static func numeric(typmod: Int, _ c: String, target: TargetCapabilities) -> Rendering {
        // NaN sorts above Infinity: one test covers NaN and ±Infinity, which have no DECIMAL form.
        let special = "\(c) >= 'Infinity'::numeric OR \(c) <= '-Infinity'::numeric"
        let specialReject = ValueGuard.Reject(condition: special, reason: "NaN/Infinity has no DECIMAL form", value: "\(c)::text")
        if typmod >= 4 {
            let (precision, scale) = numericTypmod(typmod)
            let fraction = max(scale, 0)
            let integerDigits = max(precision - scale, 0)
            let decimalPrecision = max(integerDigits + fraction, 1)
            if decimalPrecision <= target.maxDecimalPrecision {
                // A constrained numeric cannot hold ±Infinity (PostgreSQL 14+), only NaN.
                let nanReject = ValueGuard.Reject(condition: "\(c) = 'NaN'::numeric", reason: specialReject.reason, value: specialReject.value)
                return Rendering(type: "DECIMAL(\(decimalPrecision),\(fraction))", value: c, rejects: [nanReject])
            }
            // Wider than the target's DECIMAL: every digit as text (NaN included).
            return Rendering(type: "VARCHAR(\(max(decimalPrecision + 3, 9)))", value: "\(c)::text")
        }
        // Unconstrained numeric: DECIMAL(38,10) holds up to 28 integer and 10 fraction digits;
        // anything else fails the load (never a silent rounding).
        return Rendering(type: "DECIMAL(38,10)", value: c, rejects: [
            specialReject,
            ValueGuard.Reject(condition: "trunc(\(c), 10) <> \(c) OR abs(\(c)) >= 1e28",
                              reason: "does not fit DECIMAL(38,10) exactly (use --cast ...=varchar or =decimal(p,s))", value: "\(c)::text"),
        ])
    }

    /// (precision, scale) of a numeric typmod; the scale is an 11-bit signed field (PostgreSQL 15).
    static func numericTypmod(_ typmod: Int) -> (Int, Int) {
        let packed = typmod - 4
        let precision = (packed >> 16) & 0xFFFF
        let scale = ((packed & 0x7FF) ^ 1024) - 1024
        return (precision, scale)
    }

    // MARK: - JSON

    /// A StarRocks JSON value keeps integers as 64-bit and other numbers as doubles: a number
    /// beyond that (e.g. 12345678901234567890123, 0.1000000000000000055) would silently change.
    /// Only documents whose text (`text`, the value as rendered) could hold such a number are
    /// walked: a number that is no 64-bit integer and no shortest-form double has 16 or more
    /// significant digits (so a run of 16 digits and dots) or, outside the double range, a
    /// 3-digit exponent (jsonb prints numbers without exponents, json keeps the source text).
    static func jsonRejects(text: String, jsonb: String) -> [ValueGuard.Reject] {
        // CASE fixes the evaluation order (float8 conversion only in range).
        let exact = "CASE WHEN n = trunc(n) AND n BETWEEN -9223372036854775808 AND 18446744073709551615 THEN true "
            + "WHEN abs(n) BETWEEN 1e-307 AND 1e308 THEN n::float8::text::numeric = n ELSE false END"
        let mayHold = jsonb.hasSuffix("::jsonb") ? "'[0-9.]{16}|[eE][+-]?[0-9]{3}'" : "'[0-9.]{16}'"
        let inexact = "\(text) ~ \(mayHold) AND EXISTS (SELECT 1 FROM jsonb_path_query(\(jsonb), 'strict $.**') AS v(j), "
            + "LATERAL (SELECT CASE WHEN jsonb_typeof(v.j) = 'number' THEN (v.j #>> '{}')::numeric END) AS x(n) WHERE n IS NOT NULL AND NOT (\(exact)))"
        return jsonSizeRejects(text) + [
            ValueGuard.Reject(condition: inexact, reason: "JSON number that a StarRocks JSON value (64-bit integer or double) cannot hold exactly (use --cast ...=varchar)",
                              value: "left(\(text), 40)"),
        ]
    }

    /// StarRocks' 16 MB JSON limit less the two bytes of the brackets the load parses the text in
    /// (`jsonValue`).
    static let jsonTextLimit = 16_777_214

    static func jsonSizeRejects(_ text: String) -> [ValueGuard.Reject] {
        [ValueGuard.Reject(condition: "octet_length(\(text)) > \(jsonTextLimit)", reason: "JSON value larger than 16 MB (StarRocks JSON limit)", value: "left(\(text), 40)")]
    }

    // MARK: - Temporal text forms

    /// An interval as Debezium's `interval.handling.mode=string` writes it
    /// (`io.debezium.time.Interval.toIsoString` over pgjdbc's `PGInterval`): `P<y>Y<m>M<d>DT<h>H<min>M<s>S`,
    /// each field signed as PostgreSQL prints it; the seconds are `wholeSeconds + micros / 1e6`
    /// computed in double precision, printed shortest (`BigDecimal.valueOf`), truncated to 9
    /// decimals and stripped of trailing zeros — so 1.003691 s reads `1.003690999`, exactly as
    /// Debezium sends it (rounding to 6 decimals recovers the microseconds).
    static func debeziumInterval(_ c: String) -> String {
        let seconds = "extract(second from \(c))"
        let whole = "trunc(\(seconds))"
        let asDouble = "(\(whole)::float8 + ((\(seconds) - \(whole)) * 1000000)::float8 / 1000000::float8)"
        let secondsText = "trim_scale(trunc(\(asDouble)::text::numeric, 9))::text"
        return "'P' || extract(year from \(c))::bigint || 'Y' || extract(month from \(c))::bigint || 'M' || extract(day from \(c))::bigint"
            + " || 'DT' || extract(hour from \(c))::bigint || 'H' || extract(minute from \(c))::bigint || 'M' || \(secondsText) || 'S'"
    }
}
