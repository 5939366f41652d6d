#if canImport(Glibc)
import Glibc
#endif

/// One row's values, located once per row: for each column the checks read (a slot), where its value is
/// in the parsed JSON. Reading a slot copies nothing reference-counted; texts are made only when asked.
public final class RowBinder {
    public static let absent: UInt8 = 0, plain: UInt8 = 1, escaped: UInt8 = 2, number: UInt8 = 3, literalTrue: UInt8 = 4,
               literalFalse: UInt8 = 5, null: UInt8 = 6, container: UInt8 = 7

    let names: [String]
    private let slotByName: [String: Int]
    private let kinds: UnsafeMutableBufferPointer<UInt8>
    private let starts: UnsafeMutableBufferPointer<UnsafeRawPointer?>
    private let lengths: UnsafeMutableBufferPointer<Int>
    private let nodes: UnsafeMutableBufferPointer<Int32>
    @exclusivity(unchecked) private(set) var doc: JSONDocument?
    /// Members of the row, and how many of them are columns with a slot.
    @exclusivity(unchecked) public private(set) var memberCount = 0
    @exclusivity(unchecked) private(set) var boundCount = 0
    @exclusivity(unchecked) private var keys: KeySlots
    @exclusivity(unchecked) private var scratch: [UInt8] = []

    public init(columns: [String]) {
        var unique: [String] = []
        var index: [String: Int] = [:]
        for c in columns where index[c] == nil {
            index[c] = unique.count
            unique.append(c)
        }
        names = unique
        slotByName = index
        keys = KeySlots(index)
        let n = max(unique.count, 1)
        kinds = .allocate(capacity: n); kinds.initialize(repeating: 0)
        starts = .allocate(capacity: n); starts.initialize(repeating: nil)
        lengths = .allocate(capacity: n); lengths.initialize(repeating: 0)
        nodes = .allocate(capacity: n); nodes.initialize(repeating: 0)
    }

    deinit {
        kinds.deallocate(); starts.deallocate(); lengths.deallocate(); nodes.deallocate()
    }

    public func slot(_ name: String) -> Int { slotByName[name]! }

    public func bind(_ document: JSONDocument) {
        document.tokens.withUnsafeBufferPointer { t in
            bind(base: document.bytes.baseAddress!, count: document.bytes.count, tokens: t)
        }
        doc = document
    }

    /// The bytes and tokens of the row last bound (valid while the caller keeps them).
    @exclusivity(unchecked) private var rowBase: UnsafeRawPointer?
    @exclusivity(unchecked) private var rowCount = 0
    @exclusivity(unchecked) private var rowTokens: UnsafeBufferPointer<JSONToken>?

    /// Binds a row given as its bytes and its tokens (a tape made on another thread).
    public func bind(base: UnsafeRawPointer, count: Int, tokens t: UnsafeBufferPointer<JSONToken>) {
        doc = nil
        rowBase = base
        rowCount = count
        rowTokens = t
        for i in 0..<names.count { kinds[i] = RowBinder.absent }
        boundCount = 0
        memberCount = keys.forEachMember(t, base: base) { s, vi in
            guard s >= 0 && kinds[s] == RowBinder.absent else { return }
            boundCount += 1
            let v = t[vi]
            starts[s] = base + Int(v.start)
            lengths[s] = Int(v.length)
            nodes[s] = Int32(vi)
            switch v.kind {
            case .string: kinds[s] = v.escaped ? RowBinder.escaped : RowBinder.plain
            case .number: kinds[s] = RowBinder.number
            case .true: kinds[s] = RowBinder.literalTrue
            case .false: kinds[s] = RowBinder.literalFalse
            case .null: kinds[s] = RowBinder.null
            case .object, .array: kinds[s] = RowBinder.container
            }
        }
    }

    /// The row as a parsed document (copies the tokens: for rare paths only).
    public func document() -> JSONDocument? {
        if let doc { return doc }
        guard let rowBase, let rowTokens else { return nil }
        let d = JSONDocument(bytes: UnsafeRawBufferPointer(start: rowBase, count: rowCount), tokens: Array(rowTokens))
        doc = d
        return d
    }

    @inline(__always) public func kind(_ s: Int) -> UInt8 { kinds[s] }
    /// Absent or null.
    @inline(__always) public func isNull(_ s: Int) -> Bool { kinds[s] == RowBinder.absent || kinds[s] == RowBinder.null }
    /// Absent, null or an empty string.
    @inline(__always) public func isBlank(_ s: Int) -> Bool { isNull(s) || ((kinds[s] == RowBinder.plain || kinds[s] == RowBinder.escaped) && lengths[s] == 0) }

    /// The raw bytes of a plain string's content, a number's text or a literal; nil otherwise.
    @inline(__always)
    public func rawBytes(_ s: Int) -> UnsafeRawBufferPointer? {
        switch kinds[s] {
        case RowBinder.plain, RowBinder.number, RowBinder.literalTrue, RowBinder.literalFalse:
            return UnsafeRawBufferPointer(start: starts[s], count: lengths[s])
        default: return nil
        }
    }

    /// The text of a value as a CSV cell has it: decoded strings, numbers as written, `true`/`false`,
    /// compact JSON for containers, "" for absent and null.
    public func text(_ s: Int) -> String {
        if let b = rawBytes(s) { return String(decoding: b, as: UTF8.self) }
        switch kinds[s] {
        case RowBinder.escaped:
            scratch.removeAll(keepingCapacity: true)
            JSONNode.unescape(UnsafeRawBufferPointer(start: starts[s], count: lengths[s]), into: &scratch)
            return String(decoding: scratch, as: UTF8.self)
        case RowBinder.container:
            guard let doc = document() else { return "" }
            return JSONNode(doc: doc, index: Int(nodes[s])).compactJSON
        default: return ""
        }
    }

    /// Whether the value's text equals `bytes`.
    public func equals(_ s: Int, _ bytes: [UInt8]) -> Bool {
        if let b = rawBytes(s) {
            return b.count == bytes.count && (b.count == 0 || bytes.withUnsafeBytes { memcmp(b.baseAddress!, $0.baseAddress!, b.count) == 0 })
        }
        return !isNull(s) && Array(text(s).utf8) == bytes
    }

    /// The value as a number: a JSON number, or a string holding one.
    public func double(_ s: Int) -> Double? {
        if kinds[s] == RowBinder.number || kinds[s] == RowBinder.plain, let b = rawBytes(s), b.count > 0, b.count < 32 {
            var buf: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &buf) { p -> Double? in
                p.copyMemory(from: b)
                p[b.count] = 0
                var endp: UnsafeMutablePointer<CChar>?
                let start = p.baseAddress!.assumingMemoryBound(to: CChar.self)
                let d = strtod(start, &endp)
                // strtod accepts what Swift's Double(String) does not (blanks, hex); require the whole text
                // to be a plain decimal.
                guard let endp, endp - start == b.count, b.allSatisfy({ $0 &- 0x30 < 10 || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 | 0x20 == 0x65 }) else { return nil }
                return d.isFinite ? d : nil
            }
        }
        return isNull(s) ? nil : Double(text(s))
    }

    /// The 64-bit key hash of the values of `slots` (all present), as KeyHash computes it.
    public func hash(_ slots: [Int]) -> UInt64? {
        var h = KeyHash()
        for (i, s) in slots.enumerated() {
            guard !isNull(s) else { return nil }
            if i > 0 { h.separate() }
            if let b = rawBytes(s) { h.add(b) } else { h.add(text(s).utf8) }
        }
        return h.value
    }

    /// The node of a slot (for the schema check's rare paths).
    public func node(_ s: Int) -> JSONNode? {
        guard kinds[s] != RowBinder.absent, let doc = document() else { return nil }
        return JSONNode(doc: doc, index: Int(nodes[s]))
    }
}
