extension KafkaProducer {
    /// Runs `body` in a transaction: begins one, commits it when `body` returns, aborts it
    /// when `body` throws (and rethrows that error).
    ///
    /// ```swift
    /// try await producer.withTransaction {
    ///     let results = await producer.send(contentsOf: transformed)
    ///     for result in results { _ = try result.get() }   // a failure aborts the transaction
    ///     try await producer.sendOffsetsToTransaction(nextOffsets, consumer: consumer)
    /// }
    /// ```
    ///
    /// A commit that fails with ``KafkaError/isRetriable`` is retried (it resumes) up to
    /// `commitAttempts` times; one that fails with ``KafkaError/requiresAbort``, or keeps
    /// failing, is aborted and the commit error thrown. A fatal error is thrown as is: close
    /// the producer. If aborting after an error of `body` fails too, the error of `body`
    /// is thrown and the abort's is logged.
    ///
    /// - Parameters:
    ///   - isolation: The actor `body` runs on: the caller's, by default.
    ///   - timeout: For commit and abort; `nil` (recommended) for the rest of the transaction timeout.
    ///   - commitAttempts: How often to try committing on retriable errors (at least once).
    ///   - body: The work of the transaction.
    /// - Returns: What `body` returns.
    @discardableResult
    public func withTransaction<T>(
        isolation: isolated (any Actor)? = #isolation,
        timeout: Duration? = nil,
        commitAttempts: Int = 3,
        _ body: () async throws -> T
    ) async throws -> T {
        try await self.beginTransaction()
        let value: T
        do {
            value = try await body()
        } catch {
            do throws(KafkaError) {
                try await self.abortTransaction(timeout: timeout)
            } catch let abortError {
                self.engine.logger.error(
                    "aborting the transaction after an error failed",
                    metadata: ["kafka.error": "\(abortError)", "error": "\(error)"]
                )
            }
            throw error
        }
        try await self.commitOrAbort(timeout: timeout, attempts: max(1, commitAttempts))
        return value
    }

    private func commitOrAbort(timeout: Duration?, attempts: Int) async throws(KafkaError) {
        var attempt = 1
        while true {
            do throws(KafkaError) {
                try await self.commitTransaction(timeout: timeout)
                return
            } catch {
                if error.isFatal { throw error }
                if error.isRetriable && !error.requiresAbort && attempt < attempts {
                    attempt += 1
                    continue
                }
                try await self.abortTransaction(timeout: timeout)
                throw error
            }
        }
    }
}
