// What became of one chunk, and the two ways a chunk's attempt ends without it.
import Pg2srSupport

/// What became of one chunk.
enum ChunkOutcome {
    case loaded(rows: Int64, bytes: Int64)
    /// COPY returned no rows: nothing was sent (StarRocks fails empty loads).
    case empty
    /// The label was already committed by an earlier run.
    case alreadyLoaded
}

/// A failure worth another attempt of the same chunk with the same label.
struct RetryableFailure: Error {
    let message: String

    func finalError(what: String, attempts: Int) -> Pg2srError {
        let text = "\(what) failed after \(attempts) attempts: \(message)"
        return message.hasPrefix("PostgreSQL") ? .source(text) : .target(text)
    }
}

/// The run was interrupted while this chunk was in flight (its load was aborted).
struct ChunkCanceled: Error {}
