#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pull source of bytes: a file, standard input, or a decompressor over another source.
public protocol ByteSource: AnyObject {
    /// The name used in messages: the path as given, or `<stdin>`.
    var name: String { get }
    /// Reads up to `count` bytes into `buffer`; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int
}

/// A push sink of bytes: a file descriptor, an atomic file or a compressor in front of another sink.
public protocol ByteSink: AnyObject {
    /// Writes all of `bytes` or throws.
    func write(_ bytes: UnsafeRawBufferPointer) throws(PaddockError)
    /// Flushes whatever the sink holds and finishes its stream (a zstd frame end, a file's fsync).
    func finish() throws(PaddockError)
}

/// Reads from a file descriptor with `read(2)`, retrying on EINTR.
public final class FileDescriptorSource: ByteSource {
    public let name: String
    private let fd: Int32
    private let ownsDescriptor: Bool

    public init(fd: Int32, name: String, ownsDescriptor: Bool) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = ownsDescriptor
    }

    /// Opens `path` for reading (`open(2)`), or standard input for `nil` and `-`.
    public convenience init(path: String?) throws(PaddockError) {
        guard let path, path != "-" else {
            self.init(fd: 0, name: "<stdin>", ownsDescriptor: false)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw PaddockError.system("cannot open for reading", path: path, errno: errno) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw PaddockError(.io, "is a folder, not a file", at: SourceLocation(file: path))
        }
        self.init(fd: fd, name: path, ownsDescriptor: true)
    }

    deinit { if ownsDescriptor { close(fd) } }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer, count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw PaddockError.system("read failed", path: name, errno: errno)
        }
    }
}

/// Serves bytes already read (a peeked prefix) before the rest of an underlying source.
public final class PrefixedSource: ByteSource {
    public var name: String { inner.name }
    private let inner: any ByteSource
    @exclusivity(unchecked) private var prefix: [UInt8]
    @exclusivity(unchecked) private var offset = 0

    public init(prefix: [UInt8], inner: any ByteSource) {
        self.prefix = prefix
        self.inner = inner
    }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
        if offset < prefix.count {
            let n = min(count, prefix.count - offset)
            prefix.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
            offset += n
            if offset == prefix.count { prefix = []; offset = 0 }
            return n
        }
        return try inner.read(into: buffer, count: count)
    }
}

/// Opening inputs: files or stdin, decompressed transparently when they are zstd.
public enum Input {
    /// Opens `path` (or stdin for `nil`/`-`). The stream is decompressed when the name ends in `.zst`
    /// or the first bytes are a zstd frame (or skippable frame) magic number.
    public static func open(_ path: String?) throws(PaddockError) -> any ByteSource {
        let raw = try FileDescriptorSource(path: path)
        return try decompressingIfNeeded(raw)
    }

    /// Wraps `source` in a zstd decoder when its first four bytes are a zstd magic number.
    public static func decompressingIfNeeded(_ source: any ByteSource) throws(PaddockError) -> any ByteSource {
        var head = [UInt8](repeating: 0, count: 4)
        var got = 0
        while got < 4 {
            let n = try withMutableBytes(&head) { (b) throws(PaddockError) -> Int in
                try source.read(into: b.baseAddress! + got, count: 4 - got)
            }
            if n == 0 { break }
            got += n
        }
        head.removeSubrange(got...)
        let prefixed = PrefixedSource(prefix: head, inner: source)
        if ZstdDecompressingSource.startsWithMagic(head) || source.name.hasSuffix(".zst") {
            return ZstdDecompressingSource(inner: prefixed)
        }
        return prefixed
    }

    /// Reads a whole source into memory, refusing more than `limit` bytes.
    public static func readAll(_ source: any ByteSource, limit: Int = 1 << 30) throws(PaddockError) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try withMutableBytes(&chunk) { (b) throws(PaddockError) -> Int in
                try source.read(into: b.baseAddress!, count: b.count)
            }
            if n == 0 { return out }
            if out.count + n > limit {
                throw PaddockError(.data, "input is larger than the limit of \(limit) bytes", at: SourceLocation(file: source.name))
            }
            out.append(contentsOf: chunk[0..<n])
        }
    }
}

/// Writes to a file descriptor with `write(2)`, retrying on EINTR and short writes.
public final class FileDescriptorSink: ByteSink {
    public let name: String
    let fd: Int32
    private let ownsDescriptor: Bool

    public init(fd: Int32, name: String, ownsDescriptor: Bool = false) {
        self.fd = fd
        self.name = name
        self.ownsDescriptor = ownsDescriptor
    }

    /// Standard output.
    public static func standardOutput() -> FileDescriptorSink { FileDescriptorSink(fd: 1, name: "<stdout>") }

    deinit { if ownsDescriptor { close(fd) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(PaddockError) {
        try writeAll(fd: fd, bytes, name: name)
    }

    public func finish() throws(PaddockError) {}
}

extension PaddockError.Kind {
    /// The reader of our output went away (`| head`): the CLI stops quietly with exit 0.
    public static let brokenPipe = PaddockError.Kind(name: "broken pipe", exitCode: 0)
}

/// Something bytes can be appended to: an `OutputBuffer` or a `[UInt8]`.
public protocol ByteAppending {
    mutating func appendByte(_ byte: UInt8)
    mutating func appendBytes(_ bytes: UnsafeRawBufferPointer)
}

extension ByteAppending {
    @inlinable
    public mutating func appendString(_ string: String) {
        var s = string
        s.withUTF8 { appendBytes(UnsafeRawBufferPointer($0)) }
    }

    @inlinable
    public mutating func appendBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { appendBytes($0) }
    }

    @inlinable
    public mutating func appendStatic(_ string: StaticString) {
        appendBytes(UnsafeRawBufferPointer(start: string.utf8Start, count: string.utf8CodeUnitCount))
    }
}

extension Array: ByteAppending where Element == UInt8 {
    @inlinable public mutating func appendByte(_ byte: UInt8) { append(byte) }
    @inlinable public mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) { append(contentsOf: bytes) }
}

/// A buffered writer in front of a sink. Appending never fails: the buffer grows to hold the largest
/// record. `recordEnded()` passes full chunks to the sink, in writes of at most `chunkSize` bytes, which
/// keeps pipes flowing (a Linux pipe holds 64 KiB).
public final class OutputBuffer: ByteAppending {
    public let sink: any ByteSink
    @exclusivity(unchecked) @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) @usableFromInline var capacity: Int
    @exclusivity(unchecked) @usableFromInline var count = 0
    public let chunkSize: Int
    /// Total bytes passed to the sink so far.
    @exclusivity(unchecked) public private(set) var bytesWritten = 0

    public init(sink: any ByteSink, chunkSize: Int = 64 * 1024) {
        self.sink = sink
        self.chunkSize = chunkSize
        self.capacity = chunkSize * 4
        self.base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `n` more bytes and returns the write position; `commit(n)` marks them written.
    @inlinable
    public func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
        if count + n > capacity { grow(count + n) }
        return base + count
    }

    @inlinable
    public func commit(_ n: Int) { count += n }

    @usableFromInline
    func grow(_ need: Int) {
        var cap = capacity * 2
        while cap < need { cap *= 2 }
        let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        nb.update(from: base, count: count)
        base.deallocate()
        base = nb
        capacity = cap
    }

    @inlinable
    public func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        let p = reserve(bytes.count)
        UnsafeMutableRawPointer(p).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        count += bytes.count
    }

    @inlinable
    public func appendByte(_ byte: UInt8) {
        let p = reserve(1)
        p.pointee = byte
        count += 1
    }

    /// Call after each record: passes the buffer to the sink once it holds a chunk.
    @inlinable
    public func recordEnded() throws(PaddockError) {
        if count >= chunkSize { try flush() }
    }

    /// Passes everything buffered to the sink, in writes of at most `chunkSize` bytes.
    public func flush() throws(PaddockError) {
        var off = 0
        while off < count {
            let n = min(chunkSize, count - off)
            try sink.write(UnsafeRawBufferPointer(start: base + off, count: n))
            off += n
        }
        bytesWritten += count
        count = 0
    }

    /// Passes what is buffered, then `bytes` straight to the sink (no copy into the buffer), in writes of
    /// at most `chunkSize` bytes.
    public func writeThrough(_ bytes: UnsafeRawBufferPointer) throws(PaddockError) {
        try flush()
        var off = 0
        while off < bytes.count {
            let n = min(chunkSize, bytes.count - off)
            try sink.write(UnsafeRawBufferPointer(rebasing: bytes[off..<off + n]))
            off += n
        }
        bytesWritten += bytes.count
    }

    /// Flushes and finishes the sink.
    public func finish() throws(PaddockError) {
        try flush()
        try sink.finish()
    }
}

/// `Array.withUnsafeBytes` with a typed-throwing body.
public func withBytes<R>(_ array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(PaddockError) -> R) throws(PaddockError) -> R {
    let r: Result<R, PaddockError> = array.withUnsafeBytes { b in
        do throws(PaddockError) { return .success(try body(b)) } catch { return .failure(error) }
    }
    return try r.get()
}

/// `Array.withUnsafeBufferPointer` with a typed-throwing body.
public func withElements<T, R>(_ array: [T], _ body: (UnsafeBufferPointer<T>) throws(PaddockError) -> R) throws(PaddockError) -> R {
    let r: Result<R, PaddockError> = array.withUnsafeBufferPointer { b in
        do throws(PaddockError) { return .success(try body(b)) } catch { return .failure(error) }
    }
    return try r.get()
}

/// `Array.withUnsafeMutableBytes` with a typed-throwing body.
public func withMutableBytes<R>(_ array: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(PaddockError) -> R) throws(PaddockError) -> R {
    let r: Result<R, PaddockError> = array.withUnsafeMutableBytes { b in
        do throws(PaddockError) { return .success(try body(b)) } catch { return .failure(error) }
    }
    return try r.get()
}

/// Writes all of `bytes` to `fd` with `write(2)`, retrying on EINTR and short writes. EPIPE becomes a
/// `.brokenPipe` error, which the CLI ends on quietly.
func writeAll(fd: Int32, _ bytes: UnsafeRawBufferPointer, name: String) throws(PaddockError) {
    var p = bytes.baseAddress
    var left = bytes.count
    while left > 0, let base = p {
        let n = Glibc.write(fd, base, left)
        if n < 0 {
            if errno == EINTR { continue }
            if errno == EPIPE { throw PaddockError(.brokenPipe, "output closed by the reader", at: SourceLocation(file: name)) }
            throw PaddockError.system("write failed", path: name, errno: errno)
        }
        p = base + n
        left -= n
    }
}
