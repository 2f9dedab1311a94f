// Before any data moves: creates missing target tables (`--create-tables`) and checks existing ones fit.
import Pg2srModel
import Pg2srSupport

public enum TargetTables {
    /// Creates missing tables (`--create-tables`) and checks existing ones fit. Returns, per
    /// table, whether the target table deduplicates by key (Primary or Unique Key): only such
    /// tables may take chunks in separate loads.
    public static func prepare(_ plan: SeedPlan, session: TargetSession, createTables: Bool, ddl: TableDDLOptions,
                               log: Logger) throws -> [Bool] {
        let database = session.target.database
        var deduplicates: [Bool] = []
        for table in plan.tables {
            if try session.tableExists(table.targetTable) {
                let existing: [TargetColumn]
                do { existing = try TargetFit.columns(of: table.targetTable, database: database, connection: session.connection) } catch {
                    throw Pg2srError.target("cannot read the columns of \(table.targetTable): \(error)")
                }
                deduplicates.append(existing.contains { $0.key == "PRI" || $0.key == "UNI" })
                let problems = TargetFit.problems(plan: table, existing: existing)
                if !problems.isEmpty {
                    throw Pg2srError.target("target table \(database).\(table.targetTable) does not fit \(table.source): " + problems.joined(separator: "; "))
                }
            } else if createTables {
                try session.execute(StarRocksDDL.createTable(database: database, plan: table, options: ddl),
                                    "cannot create target table \(table.targetTable)")
                log.info("created table \(database).\(table.targetTable)")
                deduplicates.append(!table.keyColumns.isEmpty)
            } else {
                throw Pg2srError.target("target table \(database).\(table.targetTable) does not exist (pass --create-tables, or create it: pg2sr ddl prints the statement)")
            }
        }
        return deduplicates
    }
}
