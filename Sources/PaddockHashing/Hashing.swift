public import PaddockCore
import CLibCrypto

/// SHA-256 digests (the system libcrypto, OpenSSL's EVP interface), as lowercase hex.
public enum Digest {
    /// The SHA-256 of a whole file, read in 1 MiB chunks.
    public static func sha256(file path: String) throws(PaddockError) -> (hex: String, bytes: Int) {
        let src = try FileDescriptorSource(path: path)
        let hasher = SHA256Context()
        var total = 0
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try withMutableBytes(&chunk) { (b) throws(PaddockError) -> Int in try src.read(into: b.baseAddress!, count: b.count) }
            if n == 0 { break }
            total += n
            chunk.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return (hex(hasher.finalize()), total)
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        let hasher = SHA256Context()
        bytes.withUnsafeBytes { hasher.update($0) }
        return hex(hasher.finalize())
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
    private let hasher = SHA256Context()
    public private(set) var byteCount = 0
    public private(set) var digestHex: String?

    public init(inner: any ByteSink) { self.inner = inner }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(PaddockError) {
        hasher.update(bytes)
        byteCount += bytes.count
        try inner.write(bytes)
    }

    public func finish() throws(PaddockError) {
        if digestHex == nil { digestHex = Digest.hex(hasher.finalize()) }
        try inner.finish()
    }
}

/// One running SHA-256: owns an `EVP_MD_CTX` (EVP_MD_CTX_new, EVP_DigestInit_ex with EVP_sha256),
/// freed in deinit.
final class SHA256Context {
    private let ctx: OpaquePointer

    init() {
        guard let c = EVP_MD_CTX_new(), EVP_DigestInit_ex(c, EVP_sha256(), nil) == 1 else {
            fatalError("libcrypto: cannot set up SHA-256 (EVP_DigestInit_ex failed)")
        }
        ctx = c
    }

    deinit { EVP_MD_CTX_free(ctx) }

    /// Adds bytes (`EVP_DigestUpdate`).
    func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count) == 1 else { fatalError("libcrypto: EVP_DigestUpdate failed") }
    }

    /// The 32-byte digest (`EVP_DigestFinal_ex`); call once.
    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(ctx, &out, &length) == 1 else { fatalError("libcrypto: EVP_DigestFinal_ex failed") }
        return Array(out[0..<Int(length)])
    }
}
