import NIOCore

/// Runs tasks on one NIO event loop. An intake writer lane prefers one (on
/// PostgreSQL the database's loop, where its connection completes queries; on
/// SQLite a loop of its own whose thread its blocking calls may hold), so its
/// many short steps run at once instead of queueing behind request handlers
/// in the shared cooperative pool.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
