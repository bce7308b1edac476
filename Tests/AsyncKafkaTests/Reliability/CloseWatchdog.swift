import AsyncKafka

/// Closes `consumer` after `timeout` unless cancelled first: a deadline for a loop that waits
/// for an error which might never surface (cancel it once the loop is over).
func closeWatchdog(_ consumer: KafkaConsumer, after timeout: Duration = .seconds(30)) -> Task<Void, any Error> {
    Task {
        try await Task.sleep(for: timeout)  // a deadline, not synchronisation
        await consumer.close()
    }
}
