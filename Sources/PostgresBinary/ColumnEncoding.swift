/// How one column travels in a binary COPY and becomes a StarRocks CSV field: which PostgreSQL
/// send format to decode, how to render it, and the checks — with the reasons pg2sr's reject
/// messages give — applied to the decoded value. pg2sr's `TypeMapping` builds it next to the
/// column's SQL rendering, so one mapping drives both paths.
public struct ColumnEncoding: Codable, Sendable, Equatable {
    /// The value's binary format and its rendering (for arrays: the elements').
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Text fallback: the COPY selects the column's SQL rendering (guards included) as text,
        /// and it passes through as is.
        case rendered
        case int2, int4, int8, oid, float4, float8, bool, numeric
        /// text, varchar, bpchar (padding kept), name, citext, enum labels: the bytes as they are.
        case text
        /// bytea in `bytesForm`.
        case bytea
        case uuid, json, jsonb
        case date, timestamp
        /// An instant, rendered as its UTC date and time without zone.
        case timestamptz
        /// Debezium's ISO form: `13:45:30.5Z`.
        case time
        /// Converted to UTC, then like `time`.
        case timetz
        /// Debezium's string form `P1Y2M3DT4H5M6.789S`.
        case interval
    }

    /// How bytea becomes text.
    public enum BytesForm: String, Codable, Sendable {
        /// `encode(x, 'hex')`: two lower-case hex digits per byte.
        case hex
    }

    public var kind: Kind
    /// A one-dimensional array of `kind` values, rendered as StarRocks' CSV array syntax (the
    /// JSON-like text of `array_to_json`).
    public var isArray: Bool
    /// ±infinity dates and timestamps (array elements too) render as NULL (`--infinity-as-null`).
    public var infinityAsNull: Bool
    /// Text that is only repetitions of `\N` travels with one more `\N` (pg2sr's Stream Load
    /// `columns` expression removes it again).
    public var nullLiteralSafe: Bool
    public var bytesForm: BytesForm
    /// In the order the SQL rendering tests them: the first that holds rejects the value.
    public var checks: [Check]

    public init(_ kind: Kind, isArray: Bool = false, infinityAsNull: Bool = false, nullLiteralSafe: Bool = false,
                bytesForm: BytesForm = .hex, checks: [Check] = []) {
        self.kind = kind
        self.isArray = isArray
        self.infinityAsNull = infinityAsNull
        self.nullLiteralSafe = nullLiteralSafe
        self.bytesForm = bytesForm
        self.checks = checks
    }

    /// The text fallback.
    public static let rendered = ColumnEncoding(.rendered)

    // Run records keep only what differs from the defaults.
    private enum CodingKeys: String, CodingKey { case kind, isArray, infinityAsNull, nullLiteralSafe, bytesForm, checks }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(try c.decode(Kind.self, forKey: .kind),
                  isArray: try c.decodeIfPresent(Bool.self, forKey: .isArray) ?? false,
                  infinityAsNull: try c.decodeIfPresent(Bool.self, forKey: .infinityAsNull) ?? false,
                  nullLiteralSafe: try c.decodeIfPresent(Bool.self, forKey: .nullLiteralSafe) ?? false,
                  bytesForm: try c.decodeIfPresent(BytesForm.self, forKey: .bytesForm) ?? .hex,
                  checks: try c.decodeIfPresent([Check].self, forKey: .checks) ?? [])
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        if isArray { try c.encode(isArray, forKey: .isArray) }
        if infinityAsNull { try c.encode(infinityAsNull, forKey: .infinityAsNull) }
        if nullLiteralSafe { try c.encode(nullLiteralSafe, forKey: .nullLiteralSafe) }
        if kind == .bytea { try c.encode(bytesForm, forKey: .bytesForm) }
        if !checks.isEmpty { try c.encode(checks, forKey: .checks) }
    }

    /// A condition under which a value cannot be held exactly, and what the reject says.
    public struct Check: Codable, Sendable, Equatable {
        public enum Condition: Codable, Sendable, Equatable {
            /// More than `bytes` bytes of text (or of bytea, or of JSON text).
            case longerThan(bytes: Int)
            /// numeric NaN.
            case notANumber
            /// numeric NaN or ±Infinity.
            case notFinite
            /// A numeric with a non-zero digit beyond `fractionDigits` decimals, or of magnitude
            /// 10^integerDigits or more.
            case outsideDecimal(integerDigits: Int, fractionDigits: Int)
            /// A date or timestamp outside 0001-01-01 .. 9999-12-31 (as UTC for timestamptz), or
            /// ±infinity unless `infinityAsNull`.
            case outsideDateRange
            /// A JSON number that is neither a 64-bit integer nor the shortest form of a double.
            case inexactJSONNumber
            /// Arrays only: more than one dimension.
            case multiDimensional
            /// Arrays only: a lower bound other than 1.
            case lowerBoundNotOne
            /// Arrays only: a string element with a quote, backslash or control character.
            case elementNeedsEscaping
        }

        public var condition: Condition
        /// The reason the reject message gives (for arrays, element conditions say "array element …").
        public var reason: String
        /// For `outsideDateRange`: the reason when the value (or any element) is ±infinity.
        public var infiniteReason: String?

        public init(_ condition: Condition, reason: String, infiniteReason: String? = nil) {
            self.condition = condition
            self.reason = reason
            self.infiniteReason = infiniteReason
        }
    }
}

/// A column of the COPY as the renderer sees it.
public struct BinaryCopyColumn: Sendable, Equatable {
    /// `schema.table.column` as reject messages name it.
    public var label: String
    public var encoding: ColumnEncoding

    public init(label: String, encoding: ColumnEncoding) {
        self.label = label
        self.encoding = encoding
    }
}
