// What every worker of a seed run shares: connections, plan, limits, progress, the stop flag.
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Pg2srTarget

/// Shared, read-only context of a seed run's workers.
struct SeedContext: @unchecked Sendable {
    let connector: SourceConnector
    let snapshotName: String
    let target: StarRocksTarget
    let plan: SeedPlan
    let lockTimeoutMilliseconds: Int
    let loadTimeoutSeconds: Int
    let retry: RetryPolicy
    let rateLimiter: RateLimiter?
    let sleepBetweenChunks: Double
    /// Resumed run: ask StarRocks about each label before loading it.
    let checkLabelsFirst: Bool
    let cancellation: CancellationFlag
    let progress: ProgressTracker
    let log: Logger
}
