/// The lifecycle of an admin client: open with its resources and the requests waiting for
/// their result, or closed. Each event returns what the caller (``AdminEngine``, on the
/// client thread) does; the machine performs no I/O. It is generic over the resources and
/// the request handlers so that it is unit-tested without librdkafka.
struct AdminStateMachine<Resources, Handler> {
    struct Open {
        var resources: Resources
        /// Handlers of the requests waiting for their result, by id (the request's opaque).
        var pending: [Int: Handler] = [:]
        var nextID = 1
    }

    enum State {
        case open(Open)
        case closed
    }

    private(set) var state: State

    init(resources: Resources) {
        self.state = .open(Open(resources: resources))
    }

    /// The resources while the client is open.
    var resources: Resources? {
        if case .open(let open) = self.state { return open.resources }
        return nil
    }

    enum RequestAction {
        /// Send the request with this id through these resources.
        case send(id: Int, Resources)
        /// The client is closed: fail the request.
        case fail(Handler)
    }

    /// A request is about to be sent.
    mutating func requestStarted(_ handler: Handler) -> RequestAction {
        guard case .open(var open) = self.state else { return .fail(handler) }
        let id = open.nextID
        open.nextID += 1
        open.pending[id] = handler
        self.state = .open(open)
        return .send(id: id, open.resources)
    }

    /// The result of request `id` arrived (or it could not be sent): its handler, once.
    mutating func requestCompleted(id: Int) -> Handler? {
        guard case .open(var open) = self.state else { return nil }
        defer { self.state = .open(open) }
        return open.pending.removeValue(forKey: id)
    }

    /// The client closes: the resources to destroy and the handlers to fail, the first time.
    mutating func close() -> (Resources, waiting: [Handler])? {
        guard case .open(let open) = self.state else { return nil }
        self.state = .closed
        return (open.resources, Array(open.pending.values))
    }
}
