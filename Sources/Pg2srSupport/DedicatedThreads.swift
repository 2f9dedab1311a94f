// Runs blocking work on dedicated threads, never on Swift's cooperative pool.
import Foundation

/// Runs `body` on `count` dedicated threads (every call below blocks in C) and waits for all of them.
public func runOnThreads(count: Int, name: String, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.name = "\(name)-\(index)"
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}
