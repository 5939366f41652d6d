#if canImport(Glibc)
import Glibc
#endif
import Foundation
@testable import PaddockCore
import PaddockTestSupport
import Testing

@Suite("zstd streams")
struct ZstdTests {
    static func decompress(_ bytes: [UInt8], maxRead: Int = Int.max, name: String = "mem.zst") throws -> [UInt8] {
        try Input.readAll(ZstdDecompressingSource(inner: MemorySource(bytes, maxRead: maxRead, name: name)))
    }

    @Test("bytes round-trip through the compressing sink and decompressing source",
          arguments: [0, 1, 1000, 300_000], [1, 7, 1 << 20])
    func roundTrip(size: Int, maxRead: Int) throws {
        let payload = samplePayload(size)
        let compressed = try zstdCompress(payload, writeSize: 4096)
        #expect(ZstdDecompressingSource.startsWithMagic(compressed))
        #expect(Array(compressed.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        if size >= 1000 { #expect(compressed.count < payload.count) }
        #expect(try Self.decompress(compressed, maxRead: maxRead) == payload)
    }

    @Test("levels and worker threads round-trip", arguments: [(1, 0), (3, 2), (19, 0), (19, 2)] as [(Int32, Int32)])
    func levelsAndWorkers(level: Int32, workers: Int32) throws {
        let payload = samplePayload(500_000, seed: 7)
        let compressed = try zstdCompress(payload, level: level, workers: workers, writeSize: 10_000)
        #expect(try Self.decompress(compressed) == payload)
    }

    @Test("compression is deterministic for the same level")
    func deterministic() throws {
        let payload = samplePayload(50_000)
        #expect(try zstdCompress(payload, writeSize: 100) == zstdCompress(payload, writeSize: 1 << 20))
    }

    @Test("finish is idempotent and finishes the inner sink once")
    func finishOnce() throws {
        let sink = MemorySink()
        let z = try ZstdCompressingSink(inner: sink)
        try withBytes(Array("abc".utf8)) { (b) throws(PaddockError) in try z.write(b) }
        try z.finish()
        let size = sink.bytes.count
        try z.finish()
        #expect(sink.finishCount == 1)
        #expect(sink.bytes.count == size)
        #expect(try Self.decompress(sink.bytes) == Array("abc".utf8))
    }

    @Test("two concatenated frames decode to the concatenated payloads", arguments: [1, 7, 1 << 20])
    func concatenatedFrames(maxRead: Int) throws {
        let a = samplePayload(20_000, seed: 1)
        let b = samplePayload(3_000, seed: 2)
        let stream = try zstdCompress(a) + zstdCompress(b)
        #expect(try Self.decompress(stream, maxRead: maxRead) == a + b)
    }

    @Test("a skippable frame is passed over")
    func skippableFrame() throws {
        let payload = samplePayload(1000)
        let skippable: [UInt8] = [0x50, 0x2A, 0x4D, 0x18, 5, 0, 0, 0, 1, 2, 3, 4, 5]
        #expect(ZstdDecompressingSource.startsWithMagic(skippable))
        #expect(try Self.decompress(skippable + zstdCompress(payload)) == payload)
        let detected = try Input.decompressingIfNeeded(MemorySource(skippable + zstdCompress(payload), name: "x"))
        #expect(try Input.readAll(detected) == payload)
    }

    @Test("a truncated stream is a parse error that says so", arguments: [1, 1 << 20])
    func truncated(maxRead: Int) throws {
        let compressed = try zstdCompress(samplePayload(5000))
        let cut = Array(compressed.dropLast(10))
        let error = try #require(paddockError { try Self.decompress(cut, maxRead: maxRead, name: "cut.zst") })
        #expect(error.kind == .parse)
        #expect(error.message.contains("truncated"))
        #expect(error.location?.file == "cut.zst")
    }

    @Test("a stream cut right after the magic number is truncated too")
    func truncatedAfterMagic() throws {
        let error = try #require(paddockError { try Self.decompress([0x28, 0xB5, 0x2F, 0xFD]) })
        #expect(error.kind == .parse)
        #expect(error.message.contains("truncated"))
    }

    @Test("garbage inside a frame is a parse error")
    func corrupt() throws {
        var compressed = try zstdCompress(samplePayload(5000))
        for i in 6..<compressed.count - 4 { compressed[i] ^= 0x5A }
        let error = try #require(paddockError { try Self.decompress(compressed) })
        #expect(error.kind == .parse)
        #expect(error.message.hasPrefix("zstd: "))
    }

    @Test("the magic numbers are recognised")
    func magic() {
        #expect(ZstdDecompressingSource.startsWithMagic([0x28, 0xB5, 0x2F, 0xFD, 0]))
        #expect(ZstdDecompressingSource.startsWithMagic([0x5F, 0x2A, 0x4D, 0x18]))
        #expect(!ZstdDecompressingSource.startsWithMagic([0x28, 0xB5, 0x2F]))
        #expect(!ZstdDecompressingSource.startsWithMagic(Array("id,n".utf8)))
        #expect(!ZstdDecompressingSource.startsWithMagic([0x60, 0x2A, 0x4D, 0x18]))
    }
}

@Suite("Inputs")
struct InputTests {
    @Test("decompressingIfNeeded detects zstd by its magic number without a .zst name", arguments: readSizes)
    func detectsMagic(maxRead: Int) throws {
        let payload = Array("id,name\n1,Ann\n".utf8)
        let source = try Input.decompressingIfNeeded(MemorySource(try zstdCompress(payload), maxRead: maxRead, name: "data.csv"))
        #expect(source is ZstdDecompressingSource)
        #expect(source.name == "data.csv")
        #expect(try Input.readAll(source) == payload)
    }

    @Test("plain input passes through unchanged, however short", arguments: ["", "a", "ab", "abc", "abcd", "id,name\n1,Ann\n"], [1, 3, 1 << 20])
    func plainPassesThrough(text: String, maxRead: Int) throws {
        let source = try Input.decompressingIfNeeded(MemorySource(text, maxRead: maxRead, name: "data.csv"))
        #expect(!(source is ZstdDecompressingSource))
        #expect(try Input.readAll(source) == Array(text.utf8))
    }

    @Test("a .zst name decompresses even without the magic, and bad content is a parse error")
    func zstName() throws {
        let source = try Input.decompressingIfNeeded(MemorySource("not zstd at all", name: "x.csv.zst"))
        #expect(source is ZstdDecompressingSource)
        let error = try #require(paddockError { try Input.readAll(source) })
        #expect(error.kind == .parse)
    }

    @Test("a CSV reader reads through a detected zstd stream", arguments: readSizes)
    func csvThroughZstd(maxRead: Int) throws {
        let text = "a,b\r\n1,\"x\ny\"\r\n2,3\r\n"
        let source = try Input.decompressingIfNeeded(MemorySource(try zstdCompress(Array(text.utf8)), maxRead: maxRead))
        let reader = CSVReader(source: source, options: csvOptions(chunkSize: 4))
        #expect(try reader.readHeader() == ["a", "b"])
        #expect(try reader.next()?.strings == ["1", "x\ny"])
        let row = try #require(try reader.next())
        #expect(row.strings == ["2", "3"])
        #expect(row.line == 4)
        #expect(try reader.next() == nil)
    }

    @Test("a BOM-prefixed CSV read through zstd from a slow source keeps its rows")
    func bomCSVThroughSlowZstd() throws {
        // The decoder hands out the first bytes as they trickle in, so the reader's first chunk can be the
        // bare BOM, which then ends the input (see CSVReaderTests.bomInItsOwnRead).
        let text = "\u{FEFF}a,b\n1,2\n"
        let source = try Input.decompressingIfNeeded(MemorySource(try zstdCompress(Array(text.utf8)), maxRead: 1))
        let reader = CSVReader(source: source)
        let header = try reader.readHeader()
        let row = try reader.next()?.strings
        #expect(header == ["a", "b"])
        #expect(row == ["1", "2"])
    }

    @Test("readAll refuses more than its limit")
    func readAllLimit() throws {
        #expect(try Input.readAll(MemorySource("12345"), limit: 5) == Array("12345".utf8))
        let error = try #require(paddockError { try Input.readAll(MemorySource("123456", name: "big"), limit: 5) })
        #expect(error.kind == .data)
        #expect(error.location?.file == "big")
    }

    @Test("the atomic writer refuses a destination that is a pipe or a device, which a rename would replace (whole-document writes open it instead)")
    func atomicRefusesSpecialFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let fifo = folder.file("fifo")
        #expect(mkfifo(fifo, 0o644) == 0)
        let error = try #require(paddockError { try AtomicFileSink(path: fifo) })
        #expect(error.kind == .io && error.message.contains("is a device or a pipe"))
        #expect(FileSystem.isSpecial(fifo) && FileSystem.isSpecial("/dev/null") && !FileSystem.isSpecial(folder.path) && !FileSystem.isSpecial(folder.file("none")))
    }

    /// The trial: 300 killed runs left 197 temporary files (771 MiB) in data/derived.
    @Test("an atomic write removes the temporary files killed writers left in its folder, never one a live writer holds or one just made")
    func abandonedTemporaryFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        func make(_ name: String, age: Int) throws -> String {
            let path = folder.file(name)
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            var times = [timespec(tv_sec: time(nil) - age, tv_nsec: 0), timespec(tv_sec: time(nil) - age, tv_nsec: 0)]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
            return path
        }
        let stale = try make(".paddock-tmp-t.ndjson.AAAAAA", age: 3600)
        let held = try make(".paddock-tmp-t.ndjson.BBBBBB", age: 3600)
        let fresh = try make(".paddock-tmp-t.ndjson.CCCCCC", age: 0)
        let other = try make("keep.ndjson", age: 3600)
        let fd = open(held, O_RDONLY)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        try AtomicFileSink.write(Array("table".utf8), to: folder.file("t.ndjson"))
        #expect(!FileSystem.exists(stale))
        #expect(FileSystem.exists(held) && FileSystem.exists(fresh) && FileSystem.exists(other))
        // A writer's own temporary file is held while it writes: another write in the folder leaves it.
        let writer = try AtomicFileSink(path: folder.file("u.ndjson"))
        #expect(FileSystem.removeAbandonedTemporaryFiles(in: folder.path, minimumAge: 0) == 1)  // the fresh one only
        #expect(FileSystem.exists(writer.temporaryPath))
        try writer.commit()
        #expect(FileSystem.exists(folder.file("u.ndjson")))
    }

    @Test("Input.open reads plain and zstd files, by magic or by name")
    func openFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let payload = Array("a,b\n1,2\n".utf8)
        try AtomicFileSink.write(payload, to: folder.file("plain.csv"))
        try AtomicFileSink.write(try zstdCompress(payload), to: folder.file("packed.csv.zst"))
        try AtomicFileSink.write(try zstdCompress(payload), to: folder.file("unnamed.csv"))
        for name in ["plain.csv", "packed.csv.zst", "unnamed.csv"] {
            let source = try Input.open(folder.file(name))
            #expect(source.name == folder.file(name))
            #expect(try Input.readAll(source) == payload, "\(name)")
        }
    }

    @Test("opening a missing file or a folder is an io error")
    func openErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let missing = try #require(paddockError { try Input.open(folder.file("nope.csv")) })
        #expect(missing.kind == .io)
        #expect(missing.location?.file == folder.file("nope.csv"))
        #expect(missing.message.contains("No such file"))
        let dir = try #require(paddockError { try Input.open(folder.path) })
        #expect(dir.kind == .io)
        #expect(dir.message.contains("folder"))
    }
}

@Suite("Output buffer")
struct OutputBufferTests {
    @Test("recordEnded passes data on only once a chunk is full, in writes of at most chunkSize")
    func chunking() throws {
        let sink = MemorySink()
        var out = OutputBuffer(sink: sink, chunkSize: 8)
        out.appendString("abc")
        try out.recordEnded()
        #expect(sink.bytes.isEmpty)
        out.appendString("defghijklmnopqrstu")
        out.appendByte(UInt8(ascii: "v"))
        try out.recordEnded()
        #expect(sink.text == "abcdefghijklmnopqrstuv")
        #expect(sink.writes == 3)
        #expect(out.bytesWritten == 22)
        out.appendString("wx")
        try out.finish()
        #expect(sink.text == "abcdefghijklmnopqrstuvwx")
        #expect(sink.finishCount == 1)
        #expect(out.bytesWritten == 24)
    }

    @Test("the buffer grows to hold a record larger than its capacity")
    func growth() throws {
        let sink = MemorySink()
        let out = OutputBuffer(sink: sink, chunkSize: 4)
        let big = samplePayload(1000)
        try withBytes(big) { (b) throws(PaddockError) in out.appendBytes(b) }
        try out.finish()
        #expect(sink.bytes == big)
        #expect(sink.writes == 250)
    }
}

@Suite("Atomic files")
struct AtomicFileTests {
    @Test("after commit the file holds the bytes and no temporary file remains")
    func commit() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("out.csv")
        let sink = try AtomicFileSink(path: path)
        #expect(FileSystem.lastComponent(of: sink.temporaryPath).hasPrefix(".paddock-tmp-out.csv."))
        #expect(FileSystem.parent(of: sink.temporaryPath) == folder.path)
        try withBytes(Array("a,b\n".utf8)) { (b) throws(PaddockError) in try sink.write(b) }
        try withBytes(Array("1,2\n".utf8)) { (b) throws(PaddockError) in try sink.write(b) }
        #expect(!FileSystem.exists(path))
        #expect(try FileSystem.list(folder.path).count == 1)
        try sink.commit()
        #expect(try FileSystem.readText(path) == "a,b\n1,2\n")
        #expect(try FileSystem.list(folder.path) == ["out.csv"])
        #expect(!FileSystem.exists(sink.temporaryPath))
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o644)
    }

    @Test("abort leaves nothing behind and does not touch an existing file")
    func abort() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let fresh = try AtomicFileSink(path: folder.file("new.csv"))
        try withBytes(Array("x".utf8)) { (b) throws(PaddockError) in try fresh.write(b) }
        fresh.abort()
        #expect(try FileSystem.list(folder.path) == [])

        try AtomicFileSink.write("old\n", to: folder.file("kept.csv"))
        let replacing = try AtomicFileSink(path: folder.file("kept.csv"))
        try withBytes(Array("new\n".utf8)) { (b) throws(PaddockError) in try replacing.write(b) }
        try replacing.finish()
        replacing.abort()
        #expect(try FileSystem.list(folder.path) == ["kept.csv"])
        #expect(try FileSystem.readText(folder.file("kept.csv")) == "old\n")
        let error = try #require(paddockError { try replacing.commit() })
        #expect(error.kind == .internal)
    }

    @Test("dropping an uncommitted sink removes its temporary file")
    func dropRemoves() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        do {
            let sink = try AtomicFileSink(path: folder.file("dropped.csv"))
            try withBytes(Array("x".utf8)) { (b) throws(PaddockError) in try sink.write(b) }
            #expect(FileSystem.exists(sink.temporaryPath))
        }
        #expect(try FileSystem.list(folder.path) == [])
    }

    @Test("by default commit replaces an existing file")
    func replaces() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("f.txt")
        try AtomicFileSink.write("one", to: path)
        try AtomicFileSink.write("two", to: path)
        #expect(try FileSystem.readText(path) == "two")
        #expect(try FileSystem.list(folder.path) == ["f.txt"])
    }

    @Test("noReplace refuses to replace an existing file and cleans up")
    func noReplace() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("store.bin")
        try AtomicFileSink.write("first", to: path, noReplace: true)
        #expect(try FileSystem.readText(path) == "first")

        let error = try #require(paddockError { try AtomicFileSink.write("second", to: path, noReplace: true) })
        #expect(error.kind == .data)
        #expect(error.message.contains("refusing to replace"))
        #expect(error.location?.file == path)
        #expect(try FileSystem.readText(path) == "first")
        #expect(try FileSystem.list(folder.path) == ["store.bin"])
    }

    @Test("missing parent folders are created")
    func createsParents() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("a/b/c/out.txt")
        try AtomicFileSink.write("deep", to: path)
        #expect(try FileSystem.readText(path) == "deep")
        #expect(FileSystem.isDirectory(folder.file("a/b")))
    }

    @Test("a zstd stream written through an atomic file reads back with Input.open")
    func zstdIntoAtomicFile() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.file("out.ndjson.zst")
        let file = try AtomicFileSink(path: path)
        let out = OutputBuffer(sink: try ZstdCompressingSink(inner: file, level: 5, workers: 2), chunkSize: 1024)
        let payload = samplePayload(200_000)
        try withBytes(payload) { (b) throws(PaddockError) in out.appendBytes(b) }
        try out.finish()
        try file.commit()
        #expect(try Input.readAll(Input.open(path)) == payload)
        #expect(try FileSystem.list(folder.path) == ["out.ndjson.zst"])
    }

    @Test("path helpers split parent and last component")
    func pathHelpers() {
        #expect(FileSystem.parent(of: "a/b/c.txt") == "a/b")
        #expect(FileSystem.parent(of: "c.txt") == ".")
        #expect(FileSystem.parent(of: "/c.txt") == "/")
        #expect(FileSystem.lastComponent(of: "a/b/c.txt") == "c.txt")
        #expect(FileSystem.lastComponent(of: "c.txt") == "c.txt")
    }
}
