import CZstd

/// Decompresses a zstd stream (any number of frames, skippable frames included) from another source.
///
/// Wraps `ZSTD_decompressStream`. A stream that ends inside a frame is reported as truncated.
public final class ZstdDecompressingSource: ByteSource {
    public var name: String { inner.name }
    private let inner: any ByteSource
    private let dctx: OpaquePointer
    private let inCapacity = ZSTD_DStreamInSize()
    private let inBuffer: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    @exclusivity(unchecked) private var innerEnded = false
    /// The last return of ZSTD_decompressStream: 0 when a frame is complete.
    @exclusivity(unchecked) private var pendingHint: Int = 0
    @exclusivity(unchecked) private var flushPending = false

    public init(inner: any ByteSource) {
        self.inner = inner
        self.dctx = ZSTD_createDCtx()
        self.inBuffer = .allocate(byteCount: inCapacity, alignment: 16)
        input.src = UnsafeRawPointer(inBuffer)
    }

    deinit {
        ZSTD_freeDCtx(dctx)
        inBuffer.deallocate()
    }

    /// True when `bytes` begin with a zstd frame magic number or a skippable frame magic number.
    public static func startsWithMagic(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let m = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        return m == 0xFD2F_B528 || (m & 0xFFFF_FFF0) == 0x184D_2A50
    }

    public func read(into buffer: UnsafeMutableRawPointer, count: Int) throws(PaddockError) -> Int {
        var output = ZSTD_outBuffer(dst: buffer, size: count, pos: 0)
        while output.pos == 0 {
            if input.pos == input.size && !flushPending {
                if innerEnded {
                    // The input is used up: the last frame must have ended (ZSTD_decompressStream said 0).
                    if pendingHint != 0 {
                        throw PaddockError(.parse, "zstd: stream is truncated (it ends inside a frame)",
                                           at: SourceLocation(file: name),
                                           hint: "the file was cut short; fetch or publish it again")
                    }
                    return 0
                }
                let n = try inner.read(into: inBuffer, count: inCapacity)
                input.size = n
                input.pos = 0
                if n == 0 { innerEnded = true; continue }
            }
            let r = ZSTD_decompressStream(dctx, &output, &input)
            if ZSTD_isError(r) != 0 {
                let text = String(cString: ZSTD_getErrorName(r))
                throw PaddockError(.parse, "zstd: \(text)", at: SourceLocation(file: name),
                                   hint: "the file is corrupt or not zstd")
            }
            pendingHint = r
            // A full output buffer may leave decoded bytes inside the decoder: flush before reading more.
            flushPending = output.pos == output.size
        }
        return output.pos
    }
}

/// Compresses into a zstd stream with `ZSTD_compressStream2`, at a level and with worker threads.
///
/// With one or more workers the bytes equal the `zstd` CLI's for the same level. The stream never
/// starts with a skippable frame.
public final class ZstdCompressingSink: ByteSink {
    private let inner: any ByteSink
    private let cctx: OpaquePointer
    private let outCapacity = ZSTD_CStreamOutSize()
    private let outBuffer: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var finished = false

    /// - Parameters:
    ///   - level: the compression level (1...19; default 3 as in the CLI).
    ///   - workers: worker threads (`ZSTD_c_nbWorkers`); 0 compresses on the calling thread.
    public init(inner: any ByteSink, level: Int32 = 3, workers: Int32 = 0) throws(PaddockError) {
        self.inner = inner
        guard let c = ZSTD_createCCtx() else { throw PaddockError(.internal, "zstd: cannot create a compression context") }
        self.cctx = c
        self.outBuffer = .allocate(byteCount: outCapacity, alignment: 16)
        var r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level)
        if ZSTD_isError(r) != 0 { throw PaddockError(.usage, "zstd: invalid compression level \(level)") }
        r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)
        if workers > 0 {
            r = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, workers)
            if ZSTD_isError(r) != 0 { throw PaddockError(.usage, "zstd: this libzstd cannot use worker threads") }
        }
    }

    deinit {
        ZSTD_freeCCtx(cctx)
        outBuffer.deallocate()
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(PaddockError) {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while input.pos < input.size {
            try step(&input, ZSTD_e_continue)
        }
    }

    /// Ends the frame and finishes the inner sink.
    public func finish() throws(PaddockError) {
        guard !finished else { return }
        finished = true
        var input = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&input, ZSTD_e_end) != 0 {}
        try inner.finish()
    }

    @discardableResult
    private func step(_ input: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective) throws(PaddockError) -> Int {
        var output = ZSTD_outBuffer(dst: outBuffer, size: outCapacity, pos: 0)
        let r = ZSTD_compressStream2(cctx, &output, &input, mode)
        if ZSTD_isError(r) != 0 {
            throw PaddockError(.internal, "zstd: \(String(cString: ZSTD_getErrorName(r)))")
        }
        if output.pos > 0 { try inner.write(UnsafeRawBufferPointer(start: outBuffer, count: output.pos)) }
        return r
    }
}
