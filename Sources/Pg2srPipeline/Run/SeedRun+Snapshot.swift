// Which snapshot a seed reads: `--snapshot`, the slot's (`--slot`), a resumed run's original, or a new one.
import Pg2srModel
import Pg2srSource
import Pg2srSupport

extension SeedRun {
    /// The snapshot to read, and the publication when `--slot` prepared one (whether pg2sr created it).
    func openSnapshot(previous: RunRecord?) throws -> (SnapshotProvider, publication: (name: String, created: Bool)?) {
        if let name = options.snapshotName {
            return (try ExternalSnapshot(name: name, connector: source), nil)
        }
        if let cdc = options.cdc, previous == nil {
            let prepared = try CDCHandoff(connector: source, options: cdc, log: log).prepare(selection: options.plan.selection)
            return (prepared.snapshot, (cdc.publication, prepared.createdPublication))
        }
        if let original = previous?.snapshot {
            // A resumed run keeps the slot and start time it recorded; its data comes from the
            // original snapshot while that still exists, else from a new one.
            return (try resumeSnapshot(original: original), nil)
        }
        return (try ExportedSnapshot(connector: source), nil)
    }

    /// The snapshot of a resumed run: the original one while it exists (`--snapshot` kept alive
    /// by its exporter), else a new one, said loudly.
    private func resumeSnapshot(original: SnapshotInfo) throws -> SnapshotProvider {
        do {
            let snapshot = try ExternalSnapshot(name: original.name, connector: source)
            log.info("resuming inside the run's original snapshot \(original.name)")
            return snapshot
        } catch Pg2srError.source(let message) where message.contains("snapshot") &&
            (message.contains("invalid snapshot identifier") || message.contains("does not exist") || message.contains("could not import")) {
            let snapshot = try ExportedSnapshot(connector: source)
            log.warning("the run's original snapshot \(original.name) (LSN \(original.walLSN), \(original.serverTime)) no longer exists: "
                + "chunks not yet committed are read from a new snapshot at LSN \(snapshot.info.walLSN). Primary Key tables converge "
                + "once CDC replays from the original start (LSN \(original.walLSN), kept in the run record); a Duplicate Key table "
                + "not yet committed is reloaded whole from the new snapshot")
            return snapshot
        }
    }
}
