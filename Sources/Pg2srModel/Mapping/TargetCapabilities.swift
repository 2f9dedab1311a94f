// What the target release and the user allow the mapping to produce.

/// The target's capabilities that change the mapping.
public struct TargetCapabilities: Sendable, Codable {
    /// DECIMAL256 (precision up to 76) exists from StarRocks 4.0.
    public var maxDecimalPrecision = 38
    /// VARCHAR length limit in bytes (65533 before 2.1, 1048576 in 2.1–4.1).
    public var maxVarcharBytes = 1_048_576
    public init() {}
}

extension TargetCapabilities {
    /// The capabilities of a StarRocks version as `SELECT current_version()` prints it
    /// (`3.3.5-abc1234`, `4.0.1`): DECIMAL256 (precision 76) from 4.0, VARCHAR up to 1048576
    /// bytes from 2.1 (65533 before). Unknown text keeps the defaults (38, 1048576).
    public init(starRocksVersion version: String?) {
        self.init()
        guard let version else { return }
        let numbers = version.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
        guard numbers.count == 2 else { return }
        let (major, minor) = (numbers[0], numbers[1])
        if major >= 4 { maxDecimalPrecision = 76 }
        if major < 2 || (major == 2 && minor < 1) { maxVarcharBytes = 65533 }
    }
}

/// What the user decided for values StarRocks cannot hold.
public struct ValuePolicy: Sendable, Codable {
    /// Map ±infinity dates/timestamps to NULL instead of failing the load (`--infinity-as-null`).
    /// Such columns become nullable in the target even when NOT NULL in the source.
    public var infinityAsNull = false
    public init() {}
}
