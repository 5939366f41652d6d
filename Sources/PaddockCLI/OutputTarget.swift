import PaddockCore

/// Where a tool writes its data: stdout, or a file written atomically.
public final class OutputTarget {
    public let buffer: OutputBuffer
    private let atomic: AtomicFileSink?

    public init(path: String?) throws(PaddockError) {
        if let path, path != "-" {
            let sink = try AtomicFileSink(path: path)
            atomic = sink
            buffer = OutputBuffer(sink: sink)
        } else {
            atomic = nil
            buffer = Console.stdout
        }
    }

    /// Flushes; for a file, fsyncs and renames it into place.
    public func commit() throws(PaddockError) {
        if let atomic {
            try buffer.finish()
            try atomic.commit()
        } else {
            try buffer.flush()
        }
    }
}
