import ArgumentParser
import Foundation
import Pg2srCore

struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("PostgreSQL conninfo or URI (PG* environment variables and .pgpass apply; keep the password out of it).", valueName: "conninfo"))
    var source: String = ""

    @Option(name: .long, help: ArgumentHelp("File holding the PostgreSQL password (else PGPASSWORD, PGPASSFILE or ~/.pgpass).", valueName: "path"))
    var sourcePasswordFile: String?

    var connector: SourceConnector {
        if let text = sourcePasswordFile.flatMap({ try? String(contentsOfFile: $0, encoding: .utf8) }) {
            setenv("PGPASSWORD", text.trimmingCharacters(in: .newlines), 1)
        }
        return SourceConnector(conninfo: source)
    }

    /// The connector, with the password file applied (libpq reads PGPASSWORD) and every form of
    /// the source password registered as a secret of the log.
    func resolve(log: Logger) throws -> SourceConnector {
        if let file = sourcePasswordFile {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw Pg2srError.usage("cannot read the source password file \(file)")
            }
            setenv("PGPASSWORD", text.trimmingCharacters(in: .newlines), 1)
        }
        if let password = ProcessInfo.processInfo.environment["PGPASSWORD"] { log.addSecret(password) }
        for password in Self.passwords(in: source) { log.addSecret(password) }
        return SourceConnector(conninfo: source)
    }

    /// Passwords written into a conninfo (`password=...`) or URI (`postgres://user:pw@host`).
    static func passwords(in conninfo: String) -> [String] {
        var found: [String] = []
        if let components = URLComponents(string: conninfo), let password = components.password {
            found.append(password)
            found.append(password.removingPercentEncoding ?? password)
            for item in components.queryItems ?? [] where item.name == "password" { found.append(item.value ?? "") }
        }
        if let range = conninfo.range(of: #"password\s*=\s*('([^'\\]|\\.)*'|\S+)"#, options: .regularExpression) {
            var value = String(conninfo[range].drop { $0 != "=" }.dropFirst()).trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\'", with: "'").replacingOccurrences(of: "\\\\", with: "\\")
            }
            found.append(value)
        }
        return found.filter { !$0.isEmpty }
    }
}

struct TargetOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("starrocks://user@fe-host:9030/db?http_port=8030[&be=host:port][&ssl_ca=FILE][&http_scheme=https]. Password: STARROCKS_PASSWORD or --target-password-file.", valueName: "url"))
    var target: String

    @Option(name: .long, help: ArgumentHelp("File holding the StarRocks password.", valueName: "path"))
    var targetPasswordFile: String?

    func resolve(log: Logger) throws -> StarRocksTarget {
        let target = try StarRocksTarget(url: self.target, passwordFile: targetPasswordFile)
        log.addSecret(target.password)
        return target
    }
}

struct SelectionOptions: ParsableArguments {
    @Option(name: .customLong("table"), help: ArgumentHelp("A table to copy, in PostgreSQL syntax (repeatable): public.orders, '\"Billing\".\"Invoice Items\"'.", valueName: "schema.table"))
    var tables: [String] = []
    @Option(name: .long, help: ArgumentHelp("Regular expression on schema.table selecting tables (repeatable).", valueName: "regex"))
    var include: [String] = []
    @Option(name: .long, help: ArgumentHelp("Regular expression on schema.table excluding tables (repeatable).", valueName: "regex"))
    var exclude: [String] = []
    @Option(name: .long, help: ArgumentHelp("File with one table name per line (# comments).", valueName: "path"))
    var tablesFrom: String?
    @Flag(name: .long, help: "Add the tables the selected ones reference by foreign keys.")
    var followFkeys = false
    @Option(name: .long, help: ArgumentHelp("How many foreign-key hops to follow (default: all).", valueName: "n"))
    var fkeysDepth: Int?
    @Option(name: .customLong("where"), help: ArgumentHelp("Row filter for one table: 'schema.table=predicate' (repeatable).", valueName: "table=predicate"))
    var rowFilters: [String] = []
    @Option(name: .customLong("target-table"), help: ArgumentHelp("Target table name for a source table: 'schema.table=name' (default: the same name).", valueName: "table=name"))
    var targetNames: [String] = []
    @Option(name: .customLong("cast"), help: ArgumentHelp("Force a column's StarRocks type: 'schema.table.column=varchar' (varchar, varchar(n), json, bigint, int, double, boolean, date, datetime, decimal(p,s)).", valueName: "column=type"))
    var casts: [String] = []
    @Option(name: .customLong("key"), help: ArgumentHelp("Key columns for a table without a primary key: 'schema.table=col1,col2' (makes it a PRIMARY KEY table).", valueName: "table=columns"))
    var keys: [String] = []
    @Flag(name: .long, help: "Load ±infinity dates and timestamps as NULL instead of failing.")
    var infinityAsNull = false
    @Option(name: .long, help: ArgumentHelp("Split tables larger than this (default 256MB).", valueName: "size"))
    var splitLargerThan: String = "256MB"
    @Option(name: .long, help: ArgumentHelp("Target chunk size of split tables (default 128MB).", valueName: "size"))
    var chunkSize: String = "128MB"
    @Option(name: .long, help: ArgumentHelp("Split on this integer/date/timestamp column instead of ctid ranges: 'column' (every table that has it) or 'schema.table=column' (repeatable).", valueName: "column"))
    var splitBy: [String] = []

    func planOptions() throws -> PlanOptions {
        var options = PlanOptions()
        options.selection.tables = tables
        options.selection.include = include
        options.selection.exclude = exclude
        options.selection.tablesFromFile = tablesFrom
        options.selection.followForeignKeys = followFkeys
        options.selection.foreignKeyDepth = fkeysDepth
        if fkeysDepth != nil && !followFkeys { throw Pg2srError.usage("--fkeys-depth needs --follow-fkeys") }
        options.rowFilters = rowFilters
        options.targetNames = targetNames
        options.casts = casts
        options.keyOverrides = keys
        options.policy.infinityAsNull = infinityAsNull
        options.chunking.splitLargerThan = try Quantity.bytes(splitLargerThan, option: "--split-larger-than")
        options.chunking.chunkSize = try Quantity.bytes(chunkSize, option: "--chunk-size")
        guard options.chunking.chunkSize > 0 else { throw Pg2srError.usage("--chunk-size must be positive") }
        for entry in splitBy {
            if entry.contains("=") {
                let equals = entry.lastIndex(of: "=")!
                options.chunking.splitBy[try TableName(parsing: String(entry[..<equals]))] = String(entry[entry.index(after: equals)...])
            } else {
                options.chunking.splitBy[nil] = entry
            }
        }
        return options
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

extension ProgressMode: ExpressibleByArgument {}

/// Sizes (`256MB`, `1.5GB`, `50MB/s`; powers of 1024) and durations (`100ms`, `10s`, `2m`).
enum Quantity {
    static func bytes(_ text: String, option: String) throws -> Int64 {
        var number = text.trimmingCharacters(in: .whitespaces).uppercased()
        if number.hasSuffix("/S") { number.removeLast(2) }
        // As in PostgreSQL's settings, kB/MB/GB are powers of 1024.
        let units: [(String, Double)] = [("TIB", 0x1p40), ("GIB", 0x1p30), ("MIB", 0x1p20), ("KIB", 0x1p10),
                                         ("TB", 0x1p40), ("GB", 0x1p30), ("MB", 0x1p20), ("KB", 0x1p10), ("B", 1)]
        var factor = 1.0
        for (suffix, value) in units where number.hasSuffix(suffix) {
            factor = value
            number.removeLast(suffix.count)
            break
        }
        guard let value = Double(number.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw Pg2srError.usage("\(option): '\(text)' is not a size (e.g. 256MB, 1GB)")
        }
        return Int64(value * factor)
    }

    static func seconds(_ text: String, option: String) throws -> Double {
        let lowered = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where lowered.hasSuffix(suffix) {
            if let value = Double(lowered.dropLast(suffix.count)), value >= 0 { return value * factor }
        }
        if let value = Double(lowered), value >= 0 { return value }
        throw Pg2srError.usage("\(option): '\(text)' is not a duration (e.g. 100ms, 10s, 2m)")
    }
}
