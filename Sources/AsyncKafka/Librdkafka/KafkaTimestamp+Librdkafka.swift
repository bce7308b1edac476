import CRdKafka

extension KafkaTimestamp {
    /// The timestamp librdkafka reports for a consumed or delivered message, or `nil` when it has none.
    init?(of message: UnsafePointer<rd_kafka_message_t>) {
        var kind = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let milliseconds = rd_kafka_message_timestamp(message, &kind)
        self.init(milliseconds: milliseconds, librdkafkaType: kind)
    }

    /// A timestamp from what `rd_kafka_message_timestamp` returned, or `nil` when it is not available.
    init?(milliseconds: Int64, librdkafkaType kind: rd_kafka_timestamp_type_t) {
        switch kind {
        case RD_KAFKA_TIMESTAMP_CREATE_TIME: self.init(millisecondsSince1970: milliseconds, kind: .createTime)
        case RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME: self.init(millisecondsSince1970: milliseconds, kind: .logAppendTime)
        default: return nil
        }
    }
}
