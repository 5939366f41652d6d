import PaddockCore

#if canImport(Glibc)
import Glibc
#endif

/// Where a tool writes its data: stdout, a file written atomically, or a device or pipe named on the
/// command line (`--output /dev/null`, a FIFO), written as it is and never replaced.
public final class OutputTarget {
    public let buffer: OutputBuffer
    private let atomic: AtomicFileSink?

    public init(path: String?) throws(PaddockError) {
        if let path, path != "-", FileSystem.isSpecial(path) {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            if fd < 0 { throw PaddockError.system("cannot open for writing", path: path, errno: errno) }
            atomic = nil
            buffer = OutputBuffer(sink: FileDescriptorSink(fd: fd, name: path, ownsDescriptor: true))
        } else if let path, path != "-" {
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
