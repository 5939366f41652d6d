import Dispatch

/// Reads an NDJSON file on a second thread: lines are read and tokenized there, in batches, while the
/// caller's thread works on the batch before. Two batches alternate, so memory stays at two batches
/// (about 2 × 1 MiB of lines and their tokens) whatever the file size.
public final class TapeReader: @unchecked Sendable {
    final class Batch: @unchecked Sendable {
        @exclusivity(unchecked) var bytes: [UInt8] = []
        @exclusivity(unchecked) var tokens: [JSONToken] = []
        /// Per record: offset and length in `bytes`, first token and token count, line number.
        @exclusivity(unchecked) var records: [(offset: Int, length: Int, token: Int, tokens: Int, line: Int)] = []
        @exclusivity(unchecked) var error: PaddockError?
        @exclusivity(unchecked) var last = false

        func reset() {
            bytes.removeAll(keepingCapacity: true)
            tokens.removeAll(keepingCapacity: true)
            records.removeAll(keepingCapacity: true)
        }
    }

    static let batchBytes = 1 << 20

    /// Calls `body` with each record's bytes, tokens and line number, in file order. Blank lines are
    /// skipped; an invalid line stops with its file:line.
    public static func forEach(_ path: String, _ body: (UnsafeRawPointer, Int, UnsafeBufferPointer<JSONToken>, Int) throws(PaddockError) -> Void) throws(PaddockError) {
        let lines = SendableBox(LineReader(source: try Input.open(path)))
        let batches = [Batch(), Batch()]
        let free = DispatchSemaphore(value: 2)
        let filled = DispatchSemaphore(value: 0)
        let stop = Atomic()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            defer { group.leave() }
            let lines = lines.value
            var parser = JSONParser()
            var i = 0
            while true {
                free.wait()
                let b = batches[i % 2]
                i += 1
                b.reset()
                if stop.isSet { b.last = true; filled.signal(); return }
                do throws(PaddockError) {
                    while b.bytes.count < batchBytes, let line = try lines.next() {
                        if line.isEmpty { continue }
                        let doc: JSONDocument
                        do throws(JSONSyntaxError) { doc = try parser.parse(line) } catch { throw error.paddockError(file: path, line: lines.lineNumber) }
                        b.records.append((b.bytes.count, line.count, b.tokens.count, doc.tokens.count, lines.lineNumber))
                        b.bytes.append(contentsOf: line)
                        b.tokens.append(contentsOf: doc.tokens)
                    }
                    b.last = b.bytes.count < batchBytes
                } catch {
                    b.error = error
                    b.last = true
                }
                filled.signal()
                if b.last { return }
            }
        }
        var i = 0
        var failure: PaddockError?
        while true {
            filled.wait()
            let b = batches[i % 2]
            i += 1
            if failure == nil {
                do throws(PaddockError) {
                    try withBytes(b.bytes) { (bytes: UnsafeRawBufferPointer) throws(PaddockError) in
                        try withElements(b.tokens) { (tokens: UnsafeBufferPointer<JSONToken>) throws(PaddockError) in
                            let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!
                            for r in b.records {
                                try body(base + r.offset, r.length, UnsafeBufferPointer(rebasing: tokens[r.token..<r.token + r.tokens]), r.line)
                            }
                        }
                    }
                    if let e = b.error { failure = e }
                } catch {
                    failure = error
                }
                if failure != nil { stop.set() }
            }
            let last = b.last
            free.signal()
            if last { break }
        }
        group.wait()
        if let failure { throw failure }
    }
}

/// Hands a value to another thread that alone uses it from then on.
final class SendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A flag set by one thread and read by another.
final class Atomic: @unchecked Sendable {
    private let lock = DispatchSemaphore(value: 1)
    private var value = false
    func set() { lock.wait(); value = true; lock.signal() }
    var isSet: Bool { lock.wait(); defer { lock.signal() }; return value }
}
