/// What `body` returns, or `nil` when it has not returned within `timeout` (it is then cancelled):
/// so that a test waiting for something that never comes fails instead of hanging the run.
func withDeadline<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T?) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: timeout)  // a deadline, not synchronisation
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// The first element of `stream` that satisfies `predicate`, or `nil` after `timeout`.
func first<Element: Sendable>(
    of stream: AsyncStream<Element>,
    within timeout: Duration,
    where predicate: @escaping @Sendable (Element) -> Bool
) async -> Element? {
    // The body never throws: `try?` only unwraps the deadline's signature.
    let element = try? await withDeadline(timeout) { () async -> Element? in
        for await element in stream where predicate(element) { return element }
        return nil
    }
    return element ?? nil
}
