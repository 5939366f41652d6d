#if canImport(Glibc)
import Glibc
#endif
@testable import PaddockCore
@testable import PaddockHashing
import PaddockTestSupport
import Testing

/// SHA-256 over libcrypto: the FIPS 180-2 vectors, and a 1 MiB buffer against the `sha256sum` CLI through
/// every entry point (bytes, a file read in chunks, the hashing sink written in odd pieces).
struct HashingTests {
    @Test("known vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(text: String, expected: String) {
        #expect(Digest.sha256(text) == expected)
        #expect(Digest.sha256(Array(text.utf8)) == expected)
    }

    @Test("a 1 MiB buffer: the same digest as sha256sum, from bytes, from a file, and through HashingSink")
    func mebibyte() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<(1 << 20)).map { _ -> UInt8 in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        var template = Array("/tmp/paddock-sha-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        #expect(fd >= 0)
        let path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { unlink(path) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        #expect(written == bytes.count)

        let pipe = popen("sha256sum '\(path)'", "r")
        #expect(pipe != nil)
        var line = [CChar](repeating: 0, count: 256)
        _ = fgets(&line, Int32(line.count), pipe)
        pclose(pipe)
        let cli = String(decoding: line.prefix(64).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        #expect(cli.count == 64)

        #expect(Digest.sha256(bytes) == cli)
        let file = try Digest.sha256(file: path)
        #expect(file.hex == cli && file.bytes == bytes.count)

        let inner = MemorySink()
        let sink = HashingSink(inner: inner)
        let all = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
        defer { all.deallocate() }
        all.copyBytes(from: bytes)
        var offset = 0
        var step = 1
        while offset < all.count {
            let n = min(step, all.count - offset)
            try sink.write(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + n)]))
            offset += n
            step = step * 3 + 1
        }
        try sink.finish()
        #expect(sink.digestHex == cli && sink.byteCount == bytes.count && inner.bytes == bytes)
    }
}

