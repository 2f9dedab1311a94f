// The loading phase of a seed: the queue filled, the workers run on their threads, the first error kept.
import Pg2srModel
import Pg2srSource
import Pg2srSupport
import Synchronization

extension SeedRun {
    enum LoadOutcome {
        case success
        case failure(Error)
    }

    func load(plan: SeedPlan, deduplicates: [Bool], runID: String, snapshotName: String, resumed: Bool,
              progress: ProgressTracker) -> LoadOutcome {
        let tasks = ChunkTask.tasks(for: plan, deduplicates: deduplicates, runID: runID)
        let queue = ChunkQueue(tasks)
        let context = SeedContext(
            connector: source, snapshotName: snapshotName, target: target, plan: plan,
            lockTimeoutMilliseconds: options.lockWaitTimeoutMilliseconds, loadTimeoutSeconds: options.loadTimeoutSeconds,
            retry: options.retry, rateLimiter: options.maxRateBytesPerSecond.map { RateLimiter(bytesPerSecond: $0) },
            sleepBetweenChunks: options.sleepBetweenChunks, checkLabelsFirst: resumed, cancellation: cancellation,
            progress: progress, log: log)
        let firstError = Mutex<Error?>(nil)
        let cancellation = self.cancellation
        runOnThreads(count: max(1, min(options.jobs, tasks.count)), name: "pg2sr-worker") { index in
            do {
                try SeedWorker(id: index, context: context).run(queue: queue)
            } catch {
                let isFirst = firstError.withLock { current -> Bool in
                    guard current == nil else { return false }
                    current = error
                    return true
                }
                // One chunk failed for good: stop handing out chunks and abort the others.
                if isFirst && !(error is ChunkCanceled) { cancellation.set() }
                queue.drain()
            }
        }
        if let error = firstError.withLock({ $0 }) {
            if error is ChunkCanceled { return .failure(interruptedError()) }
            return .failure(error)
        }
        if cancellation.isSet { return .failure(interruptedError()) }
        return .success
    }

    private func interruptedError() -> Error {
        guard let signal = cancellation.signal else { return Pg2srError.target("the run was stopped") }
        return Pg2srError.interrupted(signal: signal)
    }
}
