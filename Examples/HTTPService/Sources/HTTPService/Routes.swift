import AsyncKafka
import Hummingbird

/// The HTTP API.
///
/// - `POST /events/{topic}`: sends the request body to `topic` with ``KafkaProducer/send(_:)``
///   and answers once the broker has acknowledged it: `201` with ``Delivered``; `400` for a
///   bad topic name, `413` for a message the producer refuses as too large, `503` with
///   ``Failure`` when the send failed (the broker refused it, or did not answer in time).
/// - `POST /echo/{topic}`: the same request handling and answer, without Kafka: what the
///   HTTP stack costs on its own (the load script's ceiling).
/// - `GET /stats`: ``Stats``, the messages consumed per topic.
/// - `GET /health`: `200` with `{"status":"ok"}`.
enum Routes {
    static func router(producer: KafkaProducer, counts: TopicCounts) -> Router<BasicRequestContext> {
        let router = Router()

        router.post("events/:topic") { request, context -> EditedResponse<Delivered> in
            let topic = try Self.topic(context)
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let message = KafkaProducerMessage(topic: topic, value: Array(body.readableBytesView))
            do throws(KafkaError) {
                let report = try await producer.send(message)
                return EditedResponse(
                    status: .created,
                    response: Delivered(topic: report.topic, partition: report.partition, offset: report.offset)
                )
            } catch {
                throw Failure(error)
            }
        }
        router.post("events") { _, _ -> Response in
            throw HTTPError(.badRequest, message: "missing topic: POST /events/{topic}")
        }

        router.post("echo/:topic") { request, context -> EditedResponse<Delivered> in
            let topic = try Self.topic(context)
            _ = try await request.body.collect(upTo: context.maxUploadSize)
            return EditedResponse(status: .created, response: Delivered(topic: topic, partition: 0, offset: 0))
        }

        router.get("stats") { _, _ in Stats(consumed: counts.snapshot) }
        router.get("health") { _, _ in Health(status: "ok") }
        return router
    }

    /// The `{topic}` path parameter, or a `400` when it is not a legal Kafka topic name.
    static func topic(_ context: BasicRequestContext) throws -> String {
        guard let topic = context.parameters.get("topic"), KafkaTopicName.isValid(topic) else {
            throw HTTPError(
                .badRequest,
                message: "invalid topic name: use 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-' (not \".\" or \"..\")"
            )
        }
        return topic
    }
}

/// The answer to a delivered `POST /events/{topic}`: where the broker stored the body.
struct Delivered: ResponseEncodable {
    let topic: String
    let partition: Int
    let offset: Int64
}

/// The answer to `GET /stats`: how many messages the consumer received per subscribed topic.
struct Stats: ResponseEncodable {
    let consumed: [String: Int]
}

/// The answer to `GET /health`.
struct Health: ResponseEncodable {
    let status: String
}

/// A failed send as an HTTP error: the ``KafkaError``'s code and librdkafka code name in a
/// JSON body, with the status that fits the code.
///
///     {"error":{"code":"deliveryFailed","librdkafkaCode":"_MSG_TIMED_OUT","message":"…"}}
struct Failure: HTTPResponseError {
    let kafkaError: KafkaError

    init(_ error: KafkaError) {
        self.kafkaError = error
    }

    var status: HTTPResponse.Status {
        switch self.kafkaError.code {
        case .invalidArgument: .badRequest
        case .messageTooLarge: .contentTooLarge
        default: .serviceUnavailable
        }
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let librdkafkaCode: String?
            let message: String
        }
        let error: Detail
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            error: Body.Detail(
                code: self.kafkaError.code.description,
                librdkafkaCode: self.kafkaError.librdkafkaCode?.name,
                message: self.kafkaError.message
            )
        )
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = self.status
        return response
    }
}
