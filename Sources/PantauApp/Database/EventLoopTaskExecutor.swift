import NIOCore

/// Runs tasks on one NIO event loop. The intake writer prefers this executor
/// (the database's own loop, where its SQLite connection completes queries),
/// so its many short awaits resume at once instead of queueing behind request
/// handlers in the shared cooperative pool.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
