public import PaddockCore
import Crypto

/// SHA-256 digests (swift-crypto), as lowercase hex.
public enum Digest {
    /// The SHA-256 of a whole file, read in 1 MiB chunks.
    public static func sha256(file path: String) throws(PaddockError) -> (hex: String, bytes: Int) {
        let src = try FileDescriptorSource(path: path)
        var hasher = SHA256()
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try withMutableBytes(&chunk) { (b) throws(PaddockError) -> Int in try src.read(into: b.baseAddress!, count: b.count) }
            if n == 0 { break }
            total += n
            chunk.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return (hex(hasher.finalize()), total)
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        hex(SHA256.hash(data: bytes))
    }

    public static func sha256(_ text: String) -> String { sha256(Array(text.utf8)) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A sink that counts and hashes (SHA-256) the bytes passing to another sink.
public final class HashingSink: ByteSink {
    private let inner: any ByteSink
    private var hasher = SHA256()
    public private(set) var byteCount = 0
    public private(set) var digestHex: String?

    public init(inner: any ByteSink) { self.inner = inner }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(PaddockError) {
        hasher.update(bufferPointer: bytes)
        byteCount += bytes.count
        try inner.write(bytes)
    }

    public func finish() throws(PaddockError) {
        if digestHex == nil { digestHex = Digest.hex(hasher.finalize()) }
        try inner.finish()
    }
}
