// The options that select tables and decide how they are cut and mapped (seed, plan, ddl, verify).
import ArgumentParser
import Pg2srModel
import Pg2srSource
import Pg2srSupport

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
