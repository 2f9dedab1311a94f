/// Turns PostgreSQL's binary COPY stream (`COPY ... TO STDOUT (FORMAT binary)`) into the CSV
/// that `COPY (SELECT <pg2sr's SQL renderings>) TO STDOUT (FORMAT csv, NULL '\N')` writes for
/// the same rows, byte for byte, applying each column's checks to the decoded value.
///
/// Feed it the CopyData messages as libpq hands them over (`PQgetCopyData`: one row per message,
/// the file header in the first), in order; any split works — a row cut between messages waits
/// for the rest. Complete rows are appended to the caller's buffer. After the last message,
/// `finish()` proves the stream ended with its end-of-data marker.
public struct BinaryCopyRenderer: ~Copyable {
    /// Hot-path facts about a column (plain values: no reference counting per field).
    struct Plan {
        var kind: ColumnEncoding.Kind
        var isArray: Bool
        var infinityAsNull: Bool
        var nullLiteralSafe: Bool
        var hasChecks: Bool
        /// The smallest `longerThan` limit (Int.max without one): shorter values pass it.
        var shortestLimit = Int.max
        var decimal: (integerDigits: Int, fractionDigits: Int)? = nil
        var checksJSONNumbers = false
        var checksNumbers = false
        var checksDateRange = false
        var checksEscaping = false
    }

    static let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00] // PGCOPY\n\377\r\n\0

    private let columns: [BinaryCopyColumn]
    private let plans: [Plan]
    private let onlyColumn: Bool
    private var headerRead = false
    /// The end-of-data marker has been read.
    public private(set) var isFinished = false
    /// Rows rendered so far.
    public private(set) var rows = 0
    /// Bytes of a header or row cut off at the end of the last message.
    private var carried: [UInt8] = []
    private var scratch = ByteBuffer(capacity: 4096)
    private var messageScratch = ByteBuffer(capacity: 256)

    /// `columns` in the order the COPY selects them.
    public init(columns: [BinaryCopyColumn]) throws(BinaryCopyError) {
        self.columns = columns
        onlyColumn = columns.count == 1
        var plans: [Plan] = []
        for column in columns {
            let encoding = column.encoding
            if encoding.isArray, [.rendered, .bytea, .json, .jsonb].contains(encoding.kind) {
                throw .malformed("\(column.label): arrays of \(encoding.kind) are rendered in SQL, not decoded")
            }
            var plan = Plan(kind: encoding.kind, isArray: encoding.isArray, infinityAsNull: encoding.infinityAsNull,
                            nullLiteralSafe: encoding.nullLiteralSafe, hasChecks: !encoding.checks.isEmpty)
            for check in encoding.checks {
                switch check.condition {
                case .longerThan(let bytes): plan.shortestLimit = min(plan.shortestLimit, bytes)
                case .outsideDecimal(let integerDigits, let fractionDigits):
                    plan.decimal = (integerDigits, fractionDigits)
                    plan.checksNumbers = true
                case .notANumber, .notFinite: plan.checksNumbers = true
                case .inexactJSONNumber: plan.checksJSONNumbers = true
                case .outsideDateRange: plan.checksDateRange = true
                case .elementNeedsEscaping: plan.checksEscaping = true
                case .multiDimensional, .lowerBoundNotOne: break
                }
            }
            plans.append(plan)
        }
        self.plans = plans
    }

    /// Renders the complete rows `message` brings (with what earlier messages left); returns how
    /// many. On a rejected value the row it was in is taken back out of `output`.
    public mutating func render(_ message: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws(BinaryCopyError) -> Int {
        let before = rows
        if carried.isEmpty {
            let consumed = try consume(message, into: &output)
            if consumed < message.count { carried.append(contentsOf: message[consumed...]) }
        } else {
            var bytes = carried
            carried = []
            bytes.append(contentsOf: message)
            var outcome: Result<Int, BinaryCopyError> = .success(0)
            bytes.withUnsafeBytes { all in
                do throws(BinaryCopyError) { outcome = .success(try consume(all, into: &output)) } catch { outcome = .failure(error) }
            }
            let consumed = try outcome.get()
            if consumed < bytes.count { carried = Array(bytes[consumed...]) }
        }
        return rows - before
    }

    /// Throws unless the stream ended with its end-of-data marker and nothing after it.
    public func finish() throws(BinaryCopyError) {
        guard isFinished else {
            if !headerRead { throw .malformed("the stream ended before its 19-byte header was complete (\(carried.count) bytes)") }
            throw .malformed("the stream ended without its end-of-data marker after \(rows) rows\(carried.isEmpty ? "" : ", inside a row (\(carried.count) bytes of it)") (truncated)")
        }
    }

    // MARK: - Framing

    /// Renders the rows complete in `bytes`; returns the bytes consumed.
    private mutating func consume(_ bytes: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws(BinaryCopyError) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let count = bytes.count
        var offset = 0
        if !headerRead {
            guard count >= 19 else { return 0 }
            guard Self.signature.indices.allSatisfy({ bytes[$0] == Self.signature[$0] }) else {
                throw .malformed("the stream does not start with the binary COPY signature PGCOPY\\n\\377\\r\\n\\0")
            }
            let flags = base.bigEndianUInt32(at: 11)
            if flags & (1 << 16) != 0 { throw .malformed("the stream carries OIDs (header flag bit 16)") }
            if flags & 0xFFFE_0000 != 0 { throw .malformed("unknown critical header flags 0x\(String(flags, radix: 16))") }
            let extensionLength = Int(base.bigEndianInt32(at: 15))
            guard extensionLength >= 0 else { throw .malformed("header extension length \(extensionLength)") }
            guard count >= 19 + extensionLength else { return 0 }
            offset = 19 + extensionLength
            headerRead = true
        }
        while offset < count {
            if isFinished { throw .malformed("\(count - offset) bytes after the end-of-data marker") }
            guard offset + 2 <= count else { break }
            let fieldCount = Int(base.bigEndianInt16(at: offset))
            if fieldCount == -1 {
                isFinished = true
                offset += 2
                continue
            }
            guard fieldCount == plans.count else {
                throw .malformed("row \(rows + 1) has \(fieldCount) fields, expected \(plans.count)")
            }
            var end = offset + 2
            for _ in 0..<fieldCount {
                guard end + 4 <= count else { return offset }
                let length = Int(base.bigEndianInt32(at: end))
                guard length >= -1 else { throw .malformed("row \(rows + 1) has a field of length \(length)") }
                end += 4 + max(length, 0)
                guard end <= count else { return offset }
            }
            let rowStart = output.count
            do {
                try renderRow(base + offset + 2, into: &output)
            } catch {
                output.truncate(to: rowStart)
                throw error
            }
            rows += 1
            offset = end
        }
        return offset
    }

    private mutating func renderRow(_ fields: UnsafeRawPointer, into output: inout ByteBuffer) throws(BinaryCopyError) {
        var p = fields
        for index in plans.indices {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            let length = Int(p.bigEndianInt32(at: 0))
            p += 4
            if length < 0 {
                CSVField.writeNull(into: &output)
                continue
            }
            let value = UnsafeRawBufferPointer(start: p, count: length)
            p += length
            do {
                try renderField(index, value, into: &output)
            } catch .malformed(let text) {
                throw .malformed("row \(rows + 1), column \(columns[index].label): \(text)")
            }
        }
        output.append(UInt8(ascii: "\n"))
    }

    // MARK: - Scalars

    @inline(__always)
    private mutating func renderField(_ index: Int, _ value: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws(BinaryCopyError) {
        let plan = plans[index]
        if plan.isArray {
            try renderArray(index, value, into: &output)
            return
        }
        try BinaryValue.checkSize(value, plan.kind)
        let base = value.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
        switch plan.kind {
        case .int2, .int4, .int8:
            BinaryValue.writeInteger(plan.kind, base, into: &output)
        case .oid:
            output.commit(DecimalDigits.write(UInt64(base.bigEndianUInt32(at: 0)), to: output.reserve(20)))
        case .float4:
            output.commit(FloatText.write(Float(bitPattern: base.bigEndianUInt32(at: 0)), to: output.reserve(FloatText.maxLength)))
        case .float8:
            output.commit(FloatText.write(Double(bitPattern: base.bigEndianUInt64(at: 0)), to: output.reserve(FloatText.maxLength)))
        case .bool:
            output.commit(output.reserve(5).copy(base.load(as: UInt8.self) != 0 ? "true" : "false"))
        case .numeric:
            let numeric = try NumericValue(value)
            if plan.hasChecks && (numeric.isSpecial || plan.decimal.map({ numeric.exceeds(integerDigits: $0.integerDigits, fractionDigits: $0.fractionDigits) }) == true) {
                try applyChecks(index, value)
            }
            output.commit(numeric.write(to: output.reserve(numeric.maxTextLength)))
        case .text:
            if value.count > plan.shortestLimit { try applyChecks(index, value) }
            if plan.nullLiteralSafe && Self.isOnlyNullLiterals(value) {
                output.append(value) // `\N\N…` needs no quotes
                output.append("\\N")
            } else {
                CSVField.write(value, onlyColumn: onlyColumn, into: &output)
            }
        case .rendered:
            CSVField.write(value, onlyColumn: onlyColumn, into: &output)
        case .json, .jsonb:
            let text = plan.kind == .jsonb ? try BinaryValue.jsonbText(value) : value
            if plan.hasChecks && (text.count > plan.shortestLimit
                || (plan.checksJSONNumbers && JSONNumbers.mayHoldInexact(text, exponents: plan.kind == .json))) {
                try applyChecks(index, text)
            }
            CSVField.write(text, onlyColumn: onlyColumn, into: &output)
        case .bytea:
            if value.count > plan.shortestLimit { try applyChecks(index, value) }
            output.commit(TextForms.writeHex(value, to: output.reserve(2 * value.count)))
        case .uuid:
            output.commit(TextForms.writeUUID(value, to: output.reserve(36)))
        case .date, .timestamp, .timestamptz:
            if plan.infinityAsNull && BinaryValue.isInfinite(plan.kind, base) {
                CSVField.writeNull(into: &output)
                return
            }
            if plan.hasChecks && BinaryValue.isOutsideStarRocks(plan.kind, base) { try applyChecks(index, value) }
            let p = output.reserve(DateTimeText.maxLength)
            output.commit(plan.kind == .date ? DateTimeText.writeDate(base.bigEndianInt32(at: 0), to: p)
                : DateTimeText.writeTimestamp(base.bigEndianInt64(at: 0), to: p))
        case .time:
            let p = output.reserve(DateTimeText.maxLength)
            let n = DateTimeText.writeTime(DateTimeText.withinDay(base.bigEndianInt64(at: 0)), to: p)
            p[n] = UInt8(ascii: "Z")
            output.commit(n + 1)
        case .timetz:
            let p = output.reserve(DateTimeText.maxLength)
            let n = DateTimeText.writeTime(DateTimeText.utcTime(micros: base.bigEndianInt64(at: 0), secondsWest: base.bigEndianInt32(at: 8)), to: p)
            p[n] = UInt8(ascii: "Z")
            output.commit(n + 1)
        case .interval:
            output.commit(IntervalValue(base).writeDebezium(to: output.reserve(IntervalValue.maxLength)))
        }
    }

    /// `\N`, `\N\N`, …: the texts `nullLiteralSafe` lengthens.
    @inline(__always) static func isOnlyNullLiterals(_ value: UnsafeRawBufferPointer) -> Bool {
        guard value.count >= 2, value.count % 2 == 0, value[0] == UInt8(ascii: "\\") else { return false }
        var i = 0
        while i < value.count {
            if value[i] != UInt8(ascii: "\\") || value[i + 1] != UInt8(ascii: "N") { return false }
            i += 2
        }
        return true
    }

    /// Runs a scalar's checks in order and throws the first that holds (a cheap test said one may).
    private mutating func applyChecks(_ index: Int, _ value: UnsafeRawBufferPointer) throws(BinaryCopyError) {
        let column = columns[index]
        let kind = column.encoding.kind
        for check in column.encoding.checks {
            var reason = check.reason
            switch check.condition {
            case .longerThan(let bytes):
                guard value.count > bytes else { continue }
                if kind == .bytea { throw .rejected("\(column.label): \(reason): \(value.count) bytes") }
                throw .rejected("\(column.label): \(reason): \(Self.left40(value))")
            case .notANumber:
                guard try NumericValue(value).isNaN else { continue }
            case .notFinite:
                guard try NumericValue(value).isSpecial else { continue }
            case .outsideDecimal(let integerDigits, let fractionDigits):
                let numeric = try NumericValue(value)
                guard numeric.isSpecial || numeric.exceeds(integerDigits: integerDigits, fractionDigits: fractionDigits) else { continue }
            case .outsideDateRange:
                let base = value.baseAddress!
                guard BinaryValue.isOutsideStarRocks(kind, base) else { continue }
                if let infinite = check.infiniteReason, BinaryValue.isInfinite(kind, base) { reason = infinite }
            case .inexactJSONNumber:
                guard JSONNumbers.mayHoldInexact(value, exponents: kind == .json),
                      JSONNumbers.hasInexactNumber(value, lastKeyWins: kind == .json) else { continue }
                throw .rejected("\(column.label): \(reason): \(Self.left40(value))")
            case .multiDimensional, .lowerBoundNotOne, .elementNeedsEscaping:
                continue
            }
            messageScratch.removeAll()
            try BinaryValue.writePostgresText(kind, value, into: &messageScratch)
            throw .rejected("\(column.label): \(reason): \(String(decoding: messageScratch.bytes, as: UTF8.self))")
        }
    }

    /// `left(text, 40)`.
    static func left40(_ text: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: text[..<TextForms.prefixLength(text, characters: 40)]), as: UTF8.self)
    }

    // MARK: - Arrays

    private mutating func renderArray(_ index: Int, _ value: UnsafeRawBufferPointer, into output: inout ByteBuffer) throws(BinaryCopyError) {
        let array = try ArrayValue(value)
        let plan = plans[index]
        let kind = plan.kind
        // One pass: element sizes, and whether any check may hold (then all run, in order).
        var mayFail = plan.hasChecks && (array.dimensions > 1 || (array.dimensions == 1 && array.dimension(0).lowerBound != 1))
        let size = BinaryValue.fixedSize(kind)
        for element in array.elementSequence {
            guard let element else { continue }
            if let size, element.count != size { throw .malformed("\(kind) array element of \(element.count) bytes, expected \(size)") }
            guard plan.hasChecks && !mayFail else { continue }
            switch kind {
            case .text:
                mayFail = element.count > plan.shortestLimit || (plan.checksEscaping && TextForms.needsJSONEscape(element))
            case .numeric where plan.checksNumbers:
                let numeric = try NumericValue(element)
                mayFail = numeric.isSpecial || plan.decimal.map { numeric.exceeds(integerDigits: $0.integerDigits, fractionDigits: $0.fractionDigits) } == true
            case .date, .timestamp, .timestamptz:
                guard plan.checksDateRange, let base = element.baseAddress else { break }
                mayFail = BinaryValue.isOutsideStarRocks(kind, base) && !(plan.infinityAsNull && BinaryValue.isInfinite(kind, base))
            default:
                break
            }
        }
        if mayFail { try applyArrayChecks(index, array) }
        scratch.removeAll()
        scratch.append(UInt8(ascii: "["))
        var first = true
        for element in array.elementSequence {
            if !first { scratch.append(UInt8(ascii: ",")) }
            first = false
            guard let element else {
                scratch.append("null")
                continue
            }
            try Self.writeJSONElement(kind, element, infinityAsNull: plan.infinityAsNull, into: &scratch)
        }
        scratch.append(UInt8(ascii: "]"))
        CSVField.write(scratch.bytes, onlyColumn: onlyColumn, into: &output)
    }

    /// An element as pg2sr's SQL renders it inside StarRocks' array text: array_to_json's forms
    /// (numbers bare, oid and strings quoted, dates and timestamps quoted with `T`) where the
    /// mapping uses array_to_json, and the scalar rendering elsewhere (floats bare, timestamptz
    /// quoted in UTC with a space, times and intervals as JSON strings of their Debezium forms).
    @inline(__always)
    static func writeJSONElement(_ kind: ColumnEncoding.Kind, _ element: UnsafeRawBufferPointer, infinityAsNull: Bool,
                                 into out: inout ByteBuffer) throws(BinaryCopyError) {
        let base = element.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
        switch kind {
        case .int2, .int4, .int8:
            BinaryValue.writeInteger(kind, base, into: &out)
        case .float4, .float8:
            try BinaryValue.writePostgresText(kind, element, into: &out)
        case .bool:
            out.append(base.load(as: UInt8.self) != 0 ? "true" : "false")
        case .oid, .uuid:
            out.append(UInt8(ascii: "\""))
            try BinaryValue.writePostgresText(kind, element, into: &out)
            out.append(UInt8(ascii: "\""))
        case .numeric:
            let numeric = try NumericValue(element)
            if numeric.isSpecial { out.append(UInt8(ascii: "\"")) }
            out.commit(numeric.write(to: out.reserve(numeric.maxTextLength)))
            if numeric.isSpecial { out.append(UInt8(ascii: "\"")) }
        case .text:
            if TextForms.needsJSONEscape(element) {
                TextForms.writeJSONString(element, into: &out)
            } else {
                out.append(UInt8(ascii: "\""))
                out.append(element)
                out.append(UInt8(ascii: "\""))
            }
        case .date, .timestamp, .timestamptz:
            if infinityAsNull && BinaryValue.isInfinite(kind, base) {
                out.append("null")
                return
            }
            let p = out.reserve(DateTimeText.maxLength + 2)
            p[0] = UInt8(ascii: "\"")
            var n = 1
            switch kind {
            case .date: n += DateTimeText.writeDate(base.bigEndianInt32(at: 0), to: p + 1)
            case .timestamp: n += DateTimeText.writeTimestamp(base.bigEndianInt64(at: 0), separator: UInt8(ascii: "T"), to: p + 1)
            default: n += DateTimeText.writeTimestamp(base.bigEndianInt64(at: 0), to: p + 1)
            }
            p[n] = UInt8(ascii: "\"")
            out.commit(n + 1)
        case .time, .timetz:
            var micros = DateTimeText.withinDay(base.bigEndianInt64(at: 0))
            if kind == .timetz { micros = DateTimeText.utcTime(micros: micros, secondsWest: base.bigEndianInt32(at: 8)) }
            let p = out.reserve(DateTimeText.maxLength + 3)
            p[0] = UInt8(ascii: "\"")
            let n = 1 + DateTimeText.writeTime(micros, to: p + 1)
            p[n] = UInt8(ascii: "Z")
            p[n + 1] = UInt8(ascii: "\"")
            out.commit(n + 2)
        case .interval:
            let p = out.reserve(IntervalValue.maxLength + 2)
            p[0] = UInt8(ascii: "\"")
            let n = 1 + IntervalValue(base).writeDebezium(to: p + 1)
            p[n] = UInt8(ascii: "\"")
            out.commit(n + 1)
        case .rendered, .bytea, .json, .jsonb:
            throw .malformed("arrays of \(kind) are not decoded")
        }
    }

    /// The array checks in order: the shape first, then each element condition over all elements.
    private mutating func applyArrayChecks(_ index: Int, _ array: ArrayValue) throws(BinaryCopyError) {
        let column = columns[index]
        let encoding = column.encoding
        let kind = encoding.kind
        for check in encoding.checks {
            var reason = check.reason
            var holds = false
            switch check.condition {
            case .multiDimensional:
                holds = array.dimensions > 1
            case .lowerBoundNotOne:
                holds = array.dimensions >= 1 && array.dimension(0).lowerBound != 1
            case .longerThan(let bytes):
                holds = array.elementSequence.contains { $0.map { $0.count > bytes } ?? false }
            case .notANumber, .notFinite, .outsideDecimal:
                for element in array.elementSequence {
                    guard let element else { continue }
                    let numeric = try NumericValue(element)
                    switch check.condition {
                    case .notANumber: holds = numeric.isNaN
                    case .notFinite: holds = numeric.isSpecial
                    case .outsideDecimal(let integerDigits, let fractionDigits):
                        holds = numeric.isSpecial || numeric.exceeds(integerDigits: integerDigits, fractionDigits: fractionDigits)
                    default: break
                    }
                    if holds { break }
                }
            case .outsideDateRange:
                holds = array.elementSequence.contains { element in
                    guard let element, let base = element.baseAddress else { return false }
                    return BinaryValue.isOutsideStarRocks(kind, base) && !(encoding.infinityAsNull && BinaryValue.isInfinite(kind, base))
                }
                if holds, !encoding.infinityAsNull, let infinite = check.infiniteReason,
                   array.elementSequence.contains(where: { $0?.baseAddress.map { BinaryValue.isInfinite(kind, $0) } ?? false }) {
                    reason = infinite
                }
            case .elementNeedsEscaping:
                holds = kind == .text && array.elementSequence.contains { $0.map(TextForms.needsJSONEscape) ?? false }
            case .inexactJSONNumber:
                continue
            }
            guard holds else { continue }
            messageScratch.removeAll()
            try array.writePostgresText(kind: kind, into: &messageScratch, scratch: &scratch)
            throw .rejected("\(column.label): \(reason): \(Self.left40(messageScratch.bytes))")
        }
    }
}

/// Noncopyable and without shared state: a worker thread may take it over.
extension BinaryCopyRenderer: @unchecked Sendable {}
