/// Dates, timestamps and times in their send formats (days or microseconds since 2000-01-01,
/// microseconds since midnight) printed as PostgreSQL prints them with DateStyle ISO and
/// TimeZone UTC (date_out, timestamp_out, timestamptz_out, time_out, timetz_out; JSON's XSD
/// form with `T`), with the range StarRocks holds.
enum DateTimeText {
    static let postgresEpochJulianDay: Int64 = 2_451_545
    static let microsecondsPerDay: Int64 = 86_400_000_000
    /// ±infinity in the send formats.
    static let dateMinusInfinity = Int32.min, datePlusInfinity = Int32.max
    static let timestampMinusInfinity = Int64.min, timestampPlusInfinity = Int64.max

    /// StarRocks' range: 0001-01-01 (inclusive) .. 10000-01-01 (exclusive), as days since 2000-01-01.
    static let firstDay = Int64(julianDay(year: 1, month: 1, day: 1)) - postgresEpochJulianDay
    static let endDay = Int64(julianDay(year: 10000, month: 1, day: 1)) - postgresEpochJulianDay

    static func dateIsOutsideStarRocks(_ days: Int32) -> Bool { Int64(days) < firstDay || Int64(days) >= endDay }
    static func timestampIsOutsideStarRocks(_ micros: Int64) -> Bool {
        micros < firstDay * microsecondsPerDay || micros >= endDay * microsecondsPerDay
    }

    /// PostgreSQL's date2j.
    static func julianDay(year: Int, month: Int, day: Int) -> Int {
        var (y, m) = (year, month)
        if m > 2 {
            m += 1
            y += 4800
        } else {
            m += 13
            y += 4799
        }
        let century = y / 100
        var julian = y * 365 - 32167
        julian += y / 4 - century + century / 4
        julian += 7834 * m / 256 + day
        return julian
    }

    /// PostgreSQL's j2date (unsigned arithmetic as there).
    static func civilDate(julianDay: Int64) -> (year: Int, month: Int, day: Int) {
        var julian = UInt32(truncatingIfNeeded: julianDay)
        julian &+= 32044
        var quad = julian / 146_097
        let extra = (julian &- quad &* 146_097) &* 4 &+ 3
        julian &+= 60 &+ quad &* 3 &+ extra / 146_097
        quad = julian / 1461
        julian &-= quad &* 1461
        var y = Int(julian &* 4 / 1461)
        julian = (y != 0 ? (julian &+ 305) % 365 : (julian &+ 306) % 366) &+ 123
        y += Int(quad) * 4
        let year = y - 4800
        let q = julian &* 2141 / 65536
        let day = Int(julian &- 7834 &* q / 256)
        let month = Int((q &+ 10) % 12) + 1
        return (year, month, day)
    }

    /// Longest text of any writer here (a year of 7 digits, zone with seconds, " BC").
    static let maxLength = 48

    /// date_out; `quoted` for JSON.
    static func writeDate(_ days: Int32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if days == dateMinusInfinity { return p.copy("-infinity") }
        if days == datePlusInfinity { return p.copy("infinity") }
        let (year, month, day) = civilDate(julianDay: Int64(days) + postgresEpochJulianDay)
        var n = writeYMD(year, month, day, to: p)
        if year <= 0 { n += (p + n).copy(" BC") }
        return n
    }

    private static func writeYMD(_ year: Int, _ month: Int, _ day: Int, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var n = DecimalDigits.write(UInt64(year > 0 ? year : -(year - 1)), minimumWidth: 4, to: p)
        p[n] = UInt8(ascii: "-")
        DecimalDigits.write(UInt64(month), width: 2, to: p + n + 1)
        p[n + 3] = UInt8(ascii: "-")
        DecimalDigits.write(UInt64(day), width: 2, to: p + n + 4)
        n += 6
        return n
    }

    /// timestamp_out (`separator` " "), its JSON form (`T`), timestamptz_out at UTC (`zone`: +00).
    static func writeTimestamp(_ micros: Int64, separator: UInt8 = UInt8(ascii: " "), zone: Bool = false, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if micros == timestampMinusInfinity { return p.copy("-infinity") }
        if micros == timestampPlusInfinity { return p.copy("infinity") }
        // timestamp2tm
        var date = micros / microsecondsPerDay
        var time = micros - date * microsecondsPerDay
        if time < 0 {
            time += microsecondsPerDay
            date -= 1
        }
        let (year, month, day) = civilDate(julianDay: date + postgresEpochJulianDay)
        var n = writeYMD(year, month, day, to: p)
        p[n] = separator
        n += 1
        n += writeTime(time, to: p + n)
        if zone { n += (p + n).copy("+00") }
        if year <= 0 { n += (p + n).copy(" BC") }
        return n
    }

    /// Microseconds as hours, minutes, seconds and microseconds, each truncated toward zero (so
    /// each has the sign of `micros`), as dt2time and interval2itm split them.
    @inline(__always) static func clock(_ micros: Int64) -> (hour: Int64, minute: Int64, second: Int32, fraction: Int32) {
        var time = micros
        let hour = time / 3_600_000_000
        time -= hour * 3_600_000_000
        let minute = time / 60_000_000
        time -= minute * 60_000_000
        let second = time / 1_000_000
        return (hour, minute, Int32(second), Int32(time - second * 1_000_000))
    }

    /// time_out: `HH:MM:SS` and the fraction without trailing zeros.
    static func writeTime(_ micros: Int64, to p: UnsafeMutablePointer<UInt8>) -> Int {
        let (hour, minute, second, fraction) = clock(micros)
        var n = DecimalDigits.write(hour.magnitude, minimumWidth: 2, to: p)
        p[n] = UInt8(ascii: ":")
        DecimalDigits.write(minute.magnitude, width: 2, to: p + n + 1)
        p[n + 3] = UInt8(ascii: ":")
        n += 4
        n += writeSeconds(second, fraction, to: p + n)
        return n
    }

    /// AppendSeconds with precision 6 and zero fill: `SS[.ffffff]`, trailing zeros dropped.
    static func writeSeconds(_ seconds: Int32, _ fraction: Int32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        DecimalDigits.write(UInt64(seconds.magnitude), width: 2, to: p)
        guard fraction != 0 else { return 2 }
        p[2] = UInt8(ascii: ".")
        var value = UInt64(fraction.magnitude)
        var digits = 6
        while value % 10 == 0 {
            value /= 10
            digits -= 1
        }
        DecimalDigits.write(value, width: digits, to: p + 3)
        return 3 + digits
    }

    /// EncodeTimezone (ISO): `zone` is seconds west of UTC; `+HH`, `+HH:MM` or `+HH:MM:SS`.
    static func writeZone(secondsWest zone: Int32, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var seconds = Int(zone.magnitude)
        var minutes = seconds / 60
        seconds -= minutes * 60
        let hours = minutes / 60
        minutes -= hours * 60
        p[0] = zone <= 0 ? UInt8(ascii: "+") : UInt8(ascii: "-")
        var n = 1 + DecimalDigits.write(UInt64(hours), minimumWidth: 2, to: p + 1)
        if seconds != 0 || minutes != 0 {
            p[n] = UInt8(ascii: ":")
            DecimalDigits.write(UInt64(minutes), width: 2, to: p + n + 1)
            n += 3
        }
        if seconds != 0 {
            p[n] = UInt8(ascii: ":")
            DecimalDigits.write(UInt64(seconds), width: 2, to: p + n + 1)
            n += 3
        }
        return n
    }

    /// `time + interval '0 s'`: 24:00:00 wrapped to 00:00:00, as Debezium sends it.
    static func withinDay(_ micros: Int64) -> Int64 {
        micros == microsecondsPerDay ? 0 : micros
    }

    /// `(timetz AT TIME ZONE 'UTC')::time`: the wall time moved by the offset, wrapped into a day.
    static func utcTime(micros: Int64, secondsWest zone: Int32) -> Int64 {
        var time = micros + Int64(zone) * 1_000_000
        while time < 0 { time += microsecondsPerDay }
        while time >= microsecondsPerDay { time -= microsecondsPerDay }
        return time
    }
}
