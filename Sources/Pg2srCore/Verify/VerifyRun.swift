import Foundation
import MySQLClient
import PostgresClient

/// Options of `pg2sr verify`.
public struct VerifyOptions: Sendable {
    /// Verify the tables (and mappings) of this seed run, read from its run record.
    public var runID: String?
    /// Without a run id: the same selection options as `seed`.
    public var plan = PlanOptions()
    public var runRecordTable = "pg2sr_runs"
    public var jobs = 4
    /// Rows per chunk (key range) of a table.
    public var chunkRows = 100_000
    /// Example rows listed per table.
    public var maxDifferences = 20
    /// Differing chunks per table narrowed down to rows.
    public var detailChunks = 8
    /// Re-read differing chunks this many more times (each in a fresh snapshot) before calling
    /// them different: on a live target, changes still travelling through CDC then drop out.
    public var rechecks = 0
    public var recheckDelaySeconds: Double = 5
    public var lockWaitTimeoutMilliseconds = 10_000
    public init() {}
}

/// `pg2sr verify`: per table, row count and content checksum of source and target, per key
/// range (chunk), narrowed down to rows where they differ.
///
/// Design: both sides are read and compared by pg2sr itself, not summed up inside each
/// database. PostgreSQL renders every column with the mapping's `verifyExpression` (the value
/// StarRocks must hold, in a fresh REPEATABLE READ snapshot); StarRocks returns the stored
/// values over MySQL; one function (`CanonicalValue`) turns both texts into the same canonical
/// form per StarRocks type before hashing. Checksums computed by the two SQL engines would
/// need byte-identical renderings of doubles, DATETIME fractions, JSON and arrays in two
/// dialects — formats that differ between StarRocks versions and that the tests cannot check
/// against a real cluster; a mismatch there would report a difference that is not one (or hide
/// one). Reading through one canonicalizer is exact and version-proof, at the price of moving
/// every row over the network once (as the seed did) and the client's CPU.
///
/// To keep memory bounded and narrow differences, each table is cut into ranges of its first
/// key column (for tables without a key: of its first column, which is StarRocks' sort key)
/// at quantiles of a sample taken in the snapshot. StarRocks answers one range query per chunk
/// (a sort-key range scan); PostgreSQL streams the table once (COPY, no ORDER BY, no
/// collation-dependent predicates: each row is assigned to its chunk by comparing canonical
/// values the way StarRocks orders them). A chunk's checksum is its row count plus the sum of
/// its row digests (`RowDigest`), so neither side needs an order. Differing chunks are read
/// again with their rows kept and compared by key: rows missing in the target, extra rows and
/// changed rows with the differing columns.
public final class VerifyRun {
    private let source: SourceConnector
    private let target: StarRocksTarget
    private let options: VerifyOptions
    private let log: Logger
    private let cancellation: CancellationFlag

    public init(source: SourceConnector, target: StarRocksTarget, options: VerifyOptions, log: Logger, cancellation: CancellationFlag) {
        self.source = source
        self.target = target
        self.options = options
        self.log = log
        self.cancellation = cancellation
    }

    public func run() throws -> VerifyReport {
        let session = try TargetSession(target: target)
        try session.useDatabase(create: false)
        var snapshot: SnapshotProvider = try ExportedSnapshot(connector: source)
        defer { snapshot.release() }
        log.info("source snapshot \(snapshot.info.name) at LSN \(snapshot.info.walLSN), \(snapshot.info.serverTime)")

        let plan: SeedPlan
        if let runID = options.runID {
            let record = try RunRecords.read(target: target, runID: runID, table: options.runRecordTable)
            guard let recorded = record.plan else { throw Pg2srError.usage("run \(runID) has no plan in its run record") }
            plan = recorded
        } else {
            let locker = TableLocker(connector: source, timeoutMilliseconds: options.lockWaitTimeoutMilliseconds)
            plan = try SeedPlanner(connection: snapshot.catalogConnection, options: options.plan, locking: locker).plan(log: log).0
        }
        var report = VerifyReport(runID: options.runID, snapshot: snapshot.info)
        var checks: [TableCheck] = []
        for table in plan.tables {
            let check = TableCheck(plan: table)
            check.targetExists = try session.tableExists(table.targetTable)
            try check.planChunks(connection: snapshot.catalogConnection, chunkRows: options.chunkRows)
            checks.append(check)
        }
        log.info("verifying \(checks.count) table(s), \(checks.reduce(0) { $0 + $1.chunkCount }) chunk(s)")

        let workers = (0..<max(1, options.jobs)).map { _ in VerifyWorker(connector: source, target: target) }
        defer { workers.forEach { $0.close() } }
        // Pass 0: every chunk, checksums only.
        try runPass(checks, workers: workers, snapshotName: snapshot.info.name, detail: false)
        for check in checks { check.pending = check.differingChunks() }
        // Narrowing (and, on a live target, rechecks in fresh snapshots).
        var recheck = 0
        var passes = 1
        while checks.contains(where: { !$0.pending.isEmpty }), recheck <= options.rechecks {
            if recheck == 0 && options.detailChunks == 0 {
                recheck += 1 // nothing to narrow: go straight to the rechecks, if any
                continue
            }
            if recheck > 0 {
                log.info("rechecking \(checks.reduce(0) { $0 + $1.pending.count }) differing chunk(s) in \(options.recheckDelaySeconds)s (pass \(recheck + 1))")
                snapshot.release()
                Thread.sleep(forTimeInterval: options.recheckDelaySeconds)
                snapshot = try ExportedSnapshot(connector: source)
            }
            try runPass(checks, workers: workers, snapshotName: snapshot.info.name, detail: true)
            for check in checks { check.pending = check.differingChunks().filter(check.pending.contains) }
            passes += 1
            recheck += 1
        }
        report.passes = passes
        report.tables = checks.map { $0.report(maxDifferences: options.maxDifferences) }
        return report
    }

    /// One pass over the chunks each check has pending (all of them in pass 0).
    private func runPass(_ checks: [TableCheck], workers: [VerifyWorker], snapshotName: String, detail: Bool) throws {
        var tasks: [VerifyTask] = []
        for (index, check) in checks.enumerated() {
            let chunks = detail ? check.pending : Set(0..<check.chunkCount)
            guard !chunks.isEmpty else { continue }
            check.beginPass(chunks: chunks, collect: detail ? Set(chunks.sorted().prefix(options.detailChunks)) : [])
            tasks.append(.source(table: index))
            if check.targetExists {
                for chunk in chunks.sorted() { tasks.append(.target(table: index, chunk: chunk)) }
            }
        }
        let queue = TaskQueue(tasks)
        let failure = FirstError()
        let cancellation = self.cancellation
        runOnThreads(count: min(workers.count, max(tasks.count, 1)), name: "pg2sr-verify") { index in
            let worker = workers[index]
            while !cancellation.isSet, failure.isEmpty, let task = queue.next() {
                do {
                    switch task {
                    case .source(let table): try worker.scanSource(checks[table], snapshotName: snapshotName, cancellation: cancellation)
                    case .target(let table, let chunk): try worker.readTarget(checks[table], chunk: chunk)
                    }
                } catch {
                    failure.record(error)
                }
            }
        }
        if let error = failure.error { throw error }
        if let signal = cancellation.signal { throw Pg2srError.interrupted(signal: signal) }
    }
}

enum VerifyTask: Sendable {
    case source(table: Int)
    case target(table: Int, chunk: Int)
}

final class TaskQueue: @unchecked Sendable {
    private var tasks: [VerifyTask]
    private var position = 0
    private let lock = NSLock()
    init(_ tasks: [VerifyTask]) { self.tasks = tasks }
    func next() -> VerifyTask? {
        lock.withLock {
            guard position < tasks.count else { return nil }
            defer { position += 1 }
            return tasks[position]
        }
    }
}

final class FirstError: @unchecked Sendable {
    private var first: Error?
    private let lock = NSLock()
    func record(_ error: Error) { lock.withLock { if first == nil { first = error } } }
    var error: Error? { lock.withLock { first } }
    var isEmpty: Bool { error == nil }
}

/// A row in canonical form with its digest.
struct CanonicalRow: Sendable {
    var values: [String?]
    var digest: UInt64
}

struct ChunkTally: Sendable, Equatable {
    var rows: Int64 = 0
    var sum: UInt64 = 0

    mutating func add(_ digest: UInt64) {
        rows += 1
        sum &+= digest
    }
}

/// One table under verification: its canonical column types, chunk boundaries, and per pass
/// the tallies (and, for narrowed chunks, the rows) of both sides.
final class TableCheck: @unchecked Sendable {
    let plan: TablePlan
    let types: [TargetType]
    /// Columns identifying a row (the key; every column for a table without one).
    let identity: [Int]
    /// Column whose ranges make the chunks.
    let rangeIndex: Int?
    var boundaries: [String] = []
    var targetExists = true
    var note: String?
    var chunkCount: Int { boundaries.count + 1 }

    private let lock = NSLock()
    /// Latest tallies per chunk (a recheck replaces those of the chunks it read).
    private(set) var sourceTally: [ChunkTally] = []
    private(set) var targetTally: [ChunkTally] = []
    private var passChunks: Set<Int> = []
    private(set) var collect: Set<Int> = []
    private var sourceRows: [Int: [CanonicalRow]] = [:]
    private var targetRows: [Int: [CanonicalRow]] = [:]
    /// Chunks still differing, to narrow or recheck.
    var pending: Set<Int> = []
    /// Chunks narrowed down in the latest pass that read them.
    private var narrowedChunks: Set<Int> = []
    private var keptSourceRows: [Int: [CanonicalRow]] = [:]
    private var keptTargetRows: [Int: [CanonicalRow]] = [:]

    init(plan: TablePlan) {
        self.plan = plan
        types = plan.columns.map { TargetType($0.starRocksType) }
        let keys = plan.keyColumns.compactMap { key in plan.columns.firstIndex { $0.sourceName == key } }
        identity = keys.isEmpty ? Array(plan.columns.indices) : keys
        if let first = keys.first {
            rangeIndex = first
        } else if let first = plan.columns.indices.first, TargetType(plan.columns[first].starRocksType).isOrderable {
            rangeIndex = first
        } else {
            rangeIndex = nil
        }
    }

    var sourceFrom: String { (plan.sourceKind == "r" ? "ONLY " : "") + plan.source.sqlIdentifier }
    var sourceWhere: String { plan.filter.map { " WHERE (\($0))" } ?? "" }

    func sourceExpression(_ index: Int) -> String {
        plan.columns[index].verifyRendering
    }

    /// Quantile boundaries of the range column, from all its values (small tables) or a block
    /// sample (large ones), in StarRocks order.
    func planChunks(connection: PostgresConnection, chunkRows: Int) throws {
        guard let rangeIndex, chunkRows > 0 else { return }
        var estimate = plan.estimatedRows
        do {
            if estimate <= 0 {
                estimate = Int64(try connection.execute("SELECT count(*) FROM \(sourceFrom)\(sourceWhere)").scalar ?? "0") ?? 0
            }
            guard estimate > Int64(chunkRows) else { return }
            let sampleTarget: Int64 = 500_000
            let percent = estimate > 2 * sampleTarget ? max(0.01, min(100, 100 * Double(sampleTarget) / Double(estimate))) : 100
            let sample = percent < 100 ? " TABLESAMPLE SYSTEM (\(percent))" : ""
            let sql = SQLFile.text("postgres/verify_sample", substituting: [
                "expression": sourceExpression(rangeIndex), "table": sourceFrom, "sample": sample, "where": sourceWhere,
            ])
            let type = types[rangeIndex]
            var values = try connection.execute(sql).rows.compactMap { row -> String? in
                guard let text = row.first ?? nil else { return nil }
                return CanonicalValue.canonicalOrNil(text, as: type)
            }
            values.sort { CanonicalOrder.less($0, $1, type: type) }
            let rows = percent < 100 ? Int64(Double(values.count) * 100 / percent) : Int64(values.count)
            let count = Int(min(10_000, (rows + Int64(chunkRows) - 1) / Int64(chunkRows)))
            guard count > 1, !values.isEmpty else { return }
            var result: [String] = []
            for k in 1..<count {
                let candidate = values[min(values.count - 1, k * values.count / count)]
                if let last = result.last, !CanonicalOrder.less(last, candidate, type: type) { continue }
                if !CanonicalOrder.less(values[0], candidate, type: type) { continue } // chunk 0 would be empty
                result.append(candidate)
            }
            boundaries = result
        } catch let error as PostgresError {
            throw error.asSourceError("cannot sample \(plan.source) for verification")
        }
    }

    func chunk(of row: [String?]) -> Int {
        guard let rangeIndex else { return 0 }
        return CanonicalOrder.chunk(of: row[rangeIndex], boundaries: boundaries, type: types[rangeIndex])
    }

    /// The StarRocks predicate selecting chunk `index` (nil = the whole table).
    func targetPredicate(_ index: Int) -> String? {
        guard let rangeIndex, !boundaries.isEmpty else { return nil }
        let column = StarRocksSQL.quoteIdentifier(plan.columns[rangeIndex].targetName)
        let type = types[rangeIndex]
        func literal(_ value: String) -> String {
            switch type {
            case .integer, .boolean: value
            default: StarRocksSQL.quoteString(value)
            }
        }
        var conditions: [String] = []
        if index > 0 { conditions.append("\(column) >= \(literal(boundaries[index - 1]))") }
        if index < boundaries.count { conditions.append("\(column) < \(literal(boundaries[index]))") }
        var predicate = conditions.joined(separator: " AND ")
        if index == 0 { predicate = "(\(predicate) OR \(column) IS NULL)" }
        return predicate
    }

    func rangeDescription(_ index: Int) -> String {
        guard let rangeIndex, !boundaries.isEmpty else { return "whole table" }
        let lower = index > 0 ? boundaries[index - 1] : "-inf"
        let upper = index < boundaries.count ? boundaries[index] : "+inf"
        return "\(plan.columns[rangeIndex].targetName) in [\(lower), \(upper))" + (index == 0 ? " or NULL" : "")
    }

    // MARK: - Passes

    func beginPass(chunks: Set<Int>, collect: Set<Int>) {
        lock.withLock {
            if sourceTally.isEmpty {
                sourceTally = Array(repeating: ChunkTally(), count: chunkCount)
                targetTally = Array(repeating: ChunkTally(), count: chunkCount)
            }
            for chunk in chunks {
                sourceTally[chunk] = ChunkTally()
                targetTally[chunk] = ChunkTally()
            }
            passChunks = chunks
            self.collect = collect
            sourceRows = [:]
            targetRows = [:]
        }
    }

    /// Whether pass rows of chunk `index` are wanted (tallied / kept).
    func wants(_ index: Int) -> (tally: Bool, keep: Bool) {
        (passChunks.contains(index), collect.contains(index))
    }

    func addSource(_ tallies: [Int: ChunkTally], rows: [Int: [CanonicalRow]]) {
        lock.withLock {
            for (chunk, tally) in tallies {
                sourceTally[chunk].rows += tally.rows
                sourceTally[chunk].sum &+= tally.sum
            }
            for (chunk, list) in rows { sourceRows[chunk, default: []] += list }
        }
    }

    func addTarget(chunk: Int, tally: ChunkTally, rows: [CanonicalRow]?) {
        lock.withLock {
            targetTally[chunk] = tally
            if let rows { targetRows[chunk] = rows }
        }
    }

    /// After a pass: the chunks whose tallies differ. A narrowing pass's rows are kept for the
    /// report (the next pass starts empty).
    func differingChunks() -> Set<Int> {
        lock.withLock {
            if !collect.isEmpty {
                for chunk in collect {
                    keptSourceRows[chunk] = sourceRows[chunk] ?? []
                    keptTargetRows[chunk] = targetRows[chunk] ?? []
                }
                narrowedChunks = collect
            }
            return Set((0..<chunkCount).filter { sourceTally[$0] != targetTally[$0] })
        }
    }

    // MARK: - Report

    func report(maxDifferences: Int) -> TableVerification {
        let sourceTotal = sourceTally.reduce(into: ChunkTally()) { $0.rows += $1.rows; $0.sum &+= $1.sum }
        let targetTotal = targetTally.reduce(into: ChunkTally()) { $0.rows += $1.rows; $0.sum &+= $1.sum }
        var table = TableVerification(source: plan.source.description, target: plan.targetTable, status: "equal",
                                      sourceRows: sourceTotal.rows, targetRows: targetTotal.rows,
                                      sourceChecksum: Self.hex(sourceTotal.sum), targetChecksum: Self.hex(targetTotal.sum),
                                      rangeColumn: rangeIndex.map { plan.columns[$0].targetName }, chunks: chunkCount)
        if !targetExists { table.note = "target table \(plan.targetTable) does not exist" }
        var examples = 0
        for chunk in pending.sorted() {
            var difference = ChunkDifference(index: chunk, range: rangeDescription(chunk),
                                             sourceRows: sourceTally[chunk].rows, targetRows: targetTally[chunk].rows)
            if narrowedChunks.contains(chunk), let sourceRows = keptSourceRows[chunk], let targetRows = keptTargetRows[chunk] {
                let found = diff(source: sourceRows, target: targetRows)
                difference.missingInTarget = found.missing
                difference.extraInTarget = found.extra
                difference.changed = found.changed
                let room = max(0, maxDifferences - examples)
                difference.examples = Array(found.examples.prefix(room))
                examples += difference.examples.count
            }
            table.differingChunks.append(difference)
        }
        if !table.differingChunks.isEmpty || !targetExists { table.status = "different" }
        return table
    }

    private static func hex(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    private struct Found {
        var missing = 0
        var extra = 0
        var changed = 0
        var examples: [RowDifference] = []
    }

    /// Rows of one chunk compared by identity (key, or the whole row for tables without one).
    private func diff(source: [CanonicalRow], target: [CanonicalRow]) -> Found {
        var found = Found()
        var bySource: [KeyBytes: [CanonicalRow]] = [:]
        for row in source { bySource[KeyBytes(identity.map { row.values[$0] }), default: []].append(row) }
        var extra: [CanonicalRow] = []
        for row in target {
            let key = KeyBytes(identity.map { row.values[$0] })
            guard var candidates = bySource[key], !candidates.isEmpty else {
                extra.append(row)
                continue
            }
            let match = candidates.firstIndex { $0.digest == row.digest } ?? 0
            let counterpart = candidates.remove(at: match)
            bySource[key] = candidates
            if counterpart.digest != row.digest {
                found.changed += 1
                if found.examples.count < 1000 {
                    let columns = plan.columns.indices.filter { counterpart.values[$0] != row.values[$0] || !Self.sameBytes(counterpart.values[$0], row.values[$0]) }
                    found.examples.append(RowDifference(kind: "changed", key: keyText(row), columns: columns.map {
                        ColumnDifference(column: plan.columns[$0].targetName, source: Self.shown(counterpart.values[$0]), target: Self.shown(row.values[$0]))
                    }))
                }
            }
        }
        for (_, rows) in bySource.sorted(by: { $0.key.bytes.lexicographicallyPrecedes($1.key.bytes) }) {
            for row in rows {
                found.missing += 1
                if found.examples.count < 1000 { found.examples.append(RowDifference(kind: "missing in target", key: keyText(row))) }
            }
        }
        for row in extra {
            found.extra += 1
            if found.examples.count < 1000 { found.examples.append(RowDifference(kind: "extra in target", key: keyText(row))) }
        }
        found.examples.sort { order($0.kind) < order($1.kind) }
        return found
    }

    private func order(_ kind: String) -> Int { kind == "changed" ? 0 : kind == "missing in target" ? 1 : 2 }

    private func keyText(_ row: CanonicalRow) -> String {
        identity.map { index in
            let shown = Self.shown(row.values[index]) ?? "NULL"
            return identity.count == 1 ? shown : "\(plan.columns[index].targetName)=\(shown)"
        }.joined(separator: ", ")
    }

    private static func sameBytes(_ a: String?, _ b: String?) -> Bool {
        switch (a, b) {
        case (nil, nil): true
        case (let a?, let b?): a.utf8.elementsEqual(b.utf8)
        default: false
        }
    }

    private static func shown(_ value: String?) -> String? {
        guard var value else { return nil }
        if value.hasPrefix(CanonicalValue.invalidPrefix) {
            value = "(cannot be held by the target type: " + value.dropFirst(CanonicalValue.invalidPrefix.count) + ")"
        }
        return value.count > 80 ? String(value.prefix(77)) + "..." : value
    }
}

/// One verification thread: a PostgreSQL session in the pass's snapshot and a MySQL session.
final class VerifyWorker: @unchecked Sendable {
    private let connector: SourceConnector
    private let target: StarRocksTarget
    private var postgres: PostgresConnection?
    private var postgresSnapshot: String?
    private var mysql: TargetSession?

    init(connector: SourceConnector, target: StarRocksTarget) {
        self.connector = connector
        self.target = target
    }

    func close() {
        if let postgres { _ = try? postgres.execute("ROLLBACK") }
        postgres = nil
        mysql = nil
    }

    private func sourceSession(snapshotName: String) throws -> PostgresConnection {
        if let postgres, postgresSnapshot == snapshotName { return postgres }
        let connection = try postgres ?? connector.connect(role: "verify")
        do {
            if postgres != nil { _ = try? connection.execute("ROLLBACK") }
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try connection.execute("SET TRANSACTION SNAPSHOT \(PostgresSQL.quoteLiteral(snapshotName))")
        } catch let error as PostgresError {
            postgres = nil
            throw error.asSourceError("cannot import snapshot \(snapshotName)")
        }
        postgres = connection
        postgresSnapshot = snapshotName
        return connection
    }

    /// Streams the whole table once, tallying (and keeping) the rows of the pass's chunks.
    func scanSource(_ check: TableCheck, snapshotName: String, cancellation: CancellationFlag) throws {
        let connection = try sourceSession(snapshotName: snapshotName)
        let columns = check.plan.columns.indices.map(check.sourceExpression).joined(separator: ", ")
        let sql = SQLFile.text("postgres/verify_rows", substituting: ["columns": columns, "table": check.sourceFrom, "where": check.sourceWhere])
        var tallies: [Int: ChunkTally] = [:]
        var kept: [Int: [CanonicalRow]] = [:]
        do {
            let stream = try connection.copyOut(sql)
            while let buffer = try stream.nextRow() {
                if cancellation.isSet {
                    stream.abandon()
                    postgresSnapshot = nil
                    return
                }
                let fields = CopyText.fields(buffer)
                guard fields.count == check.types.count else {
                    throw Pg2srError.source("verify: \(check.plan.source): COPY returned \(fields.count) fields, expected \(check.types.count)")
                }
                let values = zip(fields, check.types).map { CanonicalValue.canonical($0, as: $1) }
                let chunk = check.chunk(of: values)
                let wanted = check.wants(chunk)
                guard wanted.tally else { continue }
                let digest = RowDigest.of(values)
                tallies[chunk, default: ChunkTally()].add(digest)
                if wanted.keep { kept[chunk, default: []].append(CanonicalRow(values: values, digest: digest)) }
            }
        } catch let error as PostgresError {
            postgresSnapshot = nil
            throw error.asSourceError("cannot read \(check.plan.source) for verification")
        }
        check.addSource(tallies, rows: kept)
    }

    /// One range query per chunk on the StarRocks side.
    func readTarget(_ check: TableCheck, chunk: Int) throws {
        if mysql == nil {
            let session = try TargetSession(target: target)
            try session.useDatabase(create: false)
            mysql = session
        }
        let columns = check.plan.columns.enumerated().map { index, column -> String in
            let name = StarRocksSQL.quoteIdentifier(column.targetName)
            if case .binary = check.types[index] { return "hex(\(name))" }
            return name
        }.joined(separator: ", ")
        let table = "\(StarRocksSQL.quoteIdentifier(target.database)).\(StarRocksSQL.quoteIdentifier(check.plan.targetTable))"
        let sql = SQLFile.text("starrocks/verify_chunk", substituting: [
            "columns": columns, "table": table, "where": check.targetPredicate(chunk).map { " WHERE \($0)" } ?? "",
        ])
        let result = try mysql!.query(sql, "cannot read \(target.database).\(check.plan.targetTable) for verification")
        var tally = ChunkTally()
        let keep = check.wants(chunk).keep
        var rows: [CanonicalRow] = []
        for row in result.rows {
            let values = zip(row, check.types).map { CanonicalValue.canonical($0, as: $1) }
            let digest = RowDigest.of(values)
            tally.add(digest)
            if keep { rows.append(CanonicalRow(values: values, digest: digest)) }
        }
        check.addTarget(chunk: chunk, tally: tally, rows: keep ? rows : nil)
    }
}

/// Fields of one row of `COPY ... TO STDOUT` in text format: tab-separated, `\N` = NULL,
/// backslash escapes.
enum CopyText {
    static func fields(_ buffer: UnsafeRawBufferPointer) -> [String?] {
        var end = buffer.count
        if end > 0 && buffer[end - 1] == 0x0A { end -= 1 }
        var fields: [String?] = []
        var current: [UInt8] = []
        var escaped = false
        var isNull = false
        var index = 0
        func finish() {
            fields.append(isNull ? nil : String(decoding: current, as: UTF8.self))
            current.removeAll(keepingCapacity: true)
            isNull = false
        }
        while index < end {
            let byte = buffer[index]
            if escaped {
                escaped = false
                switch byte {
                case UInt8(ascii: "N"):
                    if current.isEmpty && (index + 1 == end || buffer[index + 1] == 0x09) { isNull = true } else { current.append(byte) }
                case UInt8(ascii: "b"): current.append(0x08)
                case UInt8(ascii: "f"): current.append(0x0C)
                case UInt8(ascii: "n"): current.append(0x0A)
                case UInt8(ascii: "r"): current.append(0x0D)
                case UInt8(ascii: "t"): current.append(0x09)
                case UInt8(ascii: "v"): current.append(0x0B)
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(byte - 48)
                    var digits = 1
                    while digits < 3, index + 1 < end, (48...55).contains(buffer[index + 1]) {
                        index += 1
                        value = value * 8 + Int(buffer[index] - 48)
                        digits += 1
                    }
                    current.append(UInt8(truncatingIfNeeded: value))
                default: current.append(byte)
                }
            } else if byte == 0x5C {
                escaped = true
            } else if byte == 0x09 {
                finish()
            } else {
                current.append(byte)
            }
            index += 1
        }
        finish()
        return fields
    }
}
