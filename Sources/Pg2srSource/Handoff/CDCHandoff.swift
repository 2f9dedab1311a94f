// `--slot`: checks the source can feed Debezium, creates the publication, then the slot whose snapshot the seed reads.
import Pg2srModel
import Pg2srSupport
import PostgresClient

/// `--slot NAME [--publication NAME]`: checks the source can feed Debezium, creates the
/// publication for the selected tables (before the slot: pgoutput decodes with the historic
/// catalog and needs the publication to predate the slot's WAL), then creates the slot whose
/// exported snapshot the seed reads.
public struct CDCHandoffOptions: Sendable {
    public var slot: String
    public var publication: String
    public var setReplicaIdentityFull = false

    public init(slot: String, publication: String?) {
        self.slot = slot
        self.publication = publication ?? "pg2sr_\(slot)"
    }
}

public struct CDCHandoff {
    let connector: SourceConnector
    let options: CDCHandoffOptions
    let log: Logger

    public init(connector: SourceConnector, options: CDCHandoffOptions, log: Logger) {
        self.connector = connector
        self.options = options
        self.log = log
    }

    /// The slot's snapshot, and whether pg2sr created the publication (so that `cleanup` may drop it).
    public struct Prepared {
        public var snapshot: SnapshotProvider
        public var createdPublication: Bool
    }

    public func prepare(selection: TableSelection) throws -> Prepared {
        guard options.slot.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }),
              !options.slot.isEmpty, options.slot.count <= 63 else {
            throw Pg2srError.usage("--slot '\(options.slot)': replication slot names use lower-case letters, digits and '_' (at most 63)")
        }
        let connection = try connector.connect(role: "cdc preflight")
        let catalog = SourceCatalog(connection: connection)
        let tables: [SourceTable]
        do {
            tables = try selection.resolve(in: try catalog.tables()) { try catalog.foreignKeyTargets(of: $0) }
        } catch let error as PostgresError {
            throw error.asSourceError("cannot read the source catalog")
        }
        let publicationExists = try preflight(connection)
        try checkReplicaIdentity(connection, tables: tables)
        var created = false
        if publicationExists {
            try checkPublicationCovers(connection, tables: tables)
        } else {
            let sql = SQLTemplate("postgres/create_publication").render([
                "publication": .identifier(options.publication), "tables": .identifiers(tables.map { [$0.name.schema, $0.name.name] }),
            ])
            do {
                try connection.execute(sql)
            } catch let error as PostgresError {
                throw error.asSourceError("cannot create publication \(options.publication)")
            }
            created = true
            log.info("created publication \(options.publication) for \(tables.count) table(s)")
        }
        let snapshot = try ReplicationSlotSnapshot(slot: options.slot, connector: connector)
        log.info("created replication slot \(options.slot) (pgoutput) at \(snapshot.info.walLSN)")
        return Prepared(snapshot: snapshot, createdPublication: created)
    }

    /// Returns whether the publication already exists.
    private func preflight(_ connection: PostgresConnection) throws -> Bool {
        let result: PostgresResult
        do { result = try connection.query(SQLTemplate("postgres/cdc_preflight").sql, [options.slot, options.publication]) } catch let error as PostgresError {
            throw error.asSourceError("CDC preflight failed")
        }
        func int(_ name: String) -> Int { Int(result.value(0, name) ?? "0") ?? 0 }
        guard result.value(0, "wal_level") == "logical" else {
            throw Pg2srError.source("wal_level is '\(result.value(0, "wal_level") ?? "?")', logical decoding needs wal_level=logical (set it and restart PostgreSQL)")
        }
        guard result.value(0, "can_replicate") == "t" else {
            throw Pg2srError.source("the source user lacks the REPLICATION privilege needed to create a replication slot (ALTER ROLE ... REPLICATION)")
        }
        guard int("slot_exists") == 0 else {
            throw Pg2srError.source("replication slot \(options.slot) already exists; choose another --slot, or drop it (pg2sr cleanup --run-id, or pg_drop_replication_slot)")
        }
        guard int("used_slots") < int("max_slots") else {
            throw Pg2srError.source("no free replication slot: \(int("used_slots")) of max_replication_slots=\(int("max_slots")) are in use")
        }
        // The slot's creation takes a WAL sender; Debezium will take another.
        guard int("used_senders") + 2 <= int("max_senders") else {
            throw Pg2srError.source("not enough free WAL senders: \(int("used_senders")) of max_wal_senders=\(int("max_senders")) in use, 2 needed (slot creation and Debezium)")
        }
        return int("publication_exists") > 0
    }

    private func checkReplicaIdentity(_ connection: PostgresConnection, tables: [SourceTable]) throws {
        let oids = "{" + tables.map(\.oid).joined(separator: ",") + "}"
        let result: PostgresResult
        do { result = try connection.query(SQLTemplate("postgres/replica_identity_risks").sql, [oids]) } catch let error as PostgresError {
            throw error.asSourceError("cannot read replica identities")
        }
        let names = Dictionary(tables.map { ($0.oid, $0.name) }, uniquingKeysWith: { first, _ in first })
        /// (as PostgreSQL quotes it, for messages; the table)
        var broken: [(shown: String, name: TableName)] = []
        var toasted: [(shown: String, name: TableName)] = []
        for row in result.rows.indices {
            guard let name = names[result.value(row, "table_oid") ?? ""] else { continue }
            let entry = (shown: result.value(row, "table_name")!, name: name)
            if result.value(row, "no_identity") == "t" { broken.append(entry) } else if result.value(row, "toast_risk") == "t" { toasted.append(entry) }
        }
        let needFull = broken + toasted
        if options.setReplicaIdentityFull, !needFull.isEmpty {
            for table in needFull {
                let sql = SQLTemplate("postgres/set_replica_identity_full").render(["table": .qualified([table.name.schema, table.name.name])])
                do { try connection.execute(sql) } catch let error as PostgresError {
                    throw error.asSourceError("cannot set REPLICA IDENTITY FULL on \(table.shown)")
                }
            }
            log.info("set REPLICA IDENTITY FULL on \(needFull.map(\.shown).joined(separator: ", "))")
            return
        }
        if !broken.isEmpty {
            throw Pg2srError.source("table(s) \(broken.map(\.shown).joined(separator: ", ")) have no replica identity (no primary key): once published, UPDATE and DELETE on them fail on the source; add a primary key or pass --set-replica-identity-full")
        }
        if !toasted.isEmpty {
            // Debezium sends an unchanged out-of-line value as a placeholder, and for many array
            // types as NULL, which no check downstream can tell from a real NULL (docs/cdc-fidelity.md).
            throw Pg2srError.source("table(s) \(toasted.map(\.shown).joined(separator: ", ")) have REPLICA IDENTITY DEFAULT (or USING INDEX) and columns stored out of line: an UPDATE that leaves a large value unchanged reaches Debezium as __debezium_unavailable_value or NULL, which CDC would write over the snapshot's value; pass --set-replica-identity-full (or ALTER TABLE … REPLICA IDENTITY FULL)")
        }
    }

    private func checkPublicationCovers(_ connection: PostgresConnection, tables: [SourceTable]) throws {
        let result: PostgresResult
        do { result = try connection.query(SQLTemplate("postgres/publication_tables").sql, [options.publication]) } catch let error as PostgresError {
            throw error.asSourceError("cannot read publication \(options.publication)")
        }
        let published = Set(result.rows.compactMap { $0[0] })
        let missing = tables.map(\.name.sqlIdentifier).filter { name in
            !published.contains(name) && !published.contains(name.replacingOccurrences(of: "\"", with: ""))
        }
        if !missing.isEmpty {
            throw Pg2srError.source("publication \(options.publication) exists but does not publish \(missing.joined(separator: ", ")); add them (ALTER PUBLICATION ... ADD TABLE) or name another --publication")
        }
    }
}
