// The tasks of one verification pass (a source scan per table, a target read per chunk) and the first error.
import Foundation

/// What one verification thread does next.
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
