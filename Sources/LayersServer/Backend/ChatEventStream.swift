import LayersCore

/// The events of a streamed answer, pulled by the task that writes them to the client.
///
/// Nothing sits between the provider's bytes and that task (no relay task, no queue): each upstream read is
/// translated in one go and its events are then handed out without suspending, which `hasBufferedEvents` tells the
/// writer so it can gather them into one write. Iterate once; dropping the stream before its end aborts the upstream
/// transfer.
///
/// ```swift
/// var events = try await backend.stream(call).makeAsyncIterator()
/// while let event = try await events.next() {
///     ...                                        // append the event's bytes to `out`
///     if !events.hasBufferedEvents { try await writer.write(out); out.removeAll(keepingCapacity: true) }
/// }
/// ```
public struct ChatEventStream: AsyncSequence, Sendable {
    public typealias Element = ChatStreamEvent
    let source: any ChatEventSource

    init(source: any ChatEventSource) { self.source = source }

    /// Events produced elsewhere (tests, or anything already an `AsyncThrowingStream`).
    public init(_ events: AsyncThrowingStream<ChatStreamEvent, any Error>) {
        source = AsyncStreamEventSource(events)
    }

    /// Events known in advance (the sandbox): all buffered.
    public init(_ events: [ChatStreamEvent]) {
        source = ArrayEventSource(events)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(source: source) }

    public struct Iterator: AsyncIteratorProtocol {
        let source: any ChatEventSource

        public mutating func next() async throws -> ChatStreamEvent? { try await source.next() }

        /// True when `next()` will answer without waiting for the provider.
        public var hasBufferedEvents: Bool { source.hasBufferedEvents }
    }
}

/// Where a ``ChatEventStream`` pulls from. Implementations are single-consumer classes: the stream is created by
/// one task and then read by one task at a time (handed over through `await`, which orders the accesses), so they
/// are `@unchecked Sendable` without a lock.
protocol ChatEventSource: AnyObject, Sendable {
    func next() async throws -> ChatStreamEvent?
    var hasBufferedEvents: Bool { get }
}

/// `@unchecked Sendable`: single consumer (see ``ChatEventSource``).
final class AsyncStreamEventSource: ChatEventSource, @unchecked Sendable {
    private var iterator: AsyncThrowingStream<ChatStreamEvent, any Error>.Iterator

    init(_ events: AsyncThrowingStream<ChatStreamEvent, any Error>) { iterator = events.makeAsyncIterator() }

    func next() async throws -> ChatStreamEvent? { try await iterator.next() }
    var hasBufferedEvents: Bool { false }
}

/// `@unchecked Sendable`: single consumer (see ``ChatEventSource``).
final class ArrayEventSource: ChatEventSource, @unchecked Sendable {
    private let events: [ChatStreamEvent]
    private var position = 0

    init(_ events: [ChatStreamEvent]) { self.events = events }

    func next() async throws -> ChatStreamEvent? {
        guard position < events.count else { return nil }
        position += 1
        return events[position - 1]
    }

    var hasBufferedEvents: Bool { position < events.count }
}
