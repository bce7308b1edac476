import CRdKafka

/// Remembers the last topic handle's name while a batch is converted (messages arrive in runs per partition).
struct TopicNameCache {
    private var handle: OpaquePointer?
    private var name = ""

    mutating func name(of handle: OpaquePointer) -> String {
        if handle != self.handle {
            self.handle = handle
            self.name = String(cString: rd_kafka_topic_name(handle))
        }
        return self.name
    }
}
