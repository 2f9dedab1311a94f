/// The plan of a seed without loading anything (`pg2sr plan`, `pg2sr ddl`).
public enum PlanPreview {
    public static func plan(source: SourceConnector, options: PlanOptions, snapshotName: String?, log: Logger) throws -> SeedPlan {
        let snapshot: SnapshotProvider = try snapshotName.map { try ExternalSnapshot(name: $0, connector: source) }
            ?? ExportedSnapshot(connector: source)
        defer { snapshot.release() }
        return try SeedPlanner(connection: snapshot.catalogConnection, options: options).plan(log: log).0
    }
}
