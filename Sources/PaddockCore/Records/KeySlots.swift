#if canImport(Glibc)
import Glibc
#endif

/// Finds the slot of each key of a JSON object, for the mapper and for dq-check: names map to slots, and
/// the key seen at the same position in the last records is tried first (records mostly share their key
/// order), so most keys cost one memcmp and no String.
public struct KeySlots {
    let slotByName: [String: Int]
    private var cache: [(offset: Int, length: Int, slot: Int)] = []
    private var cacheBytes: [UInt8] = []

    public init(_ slotByName: [String: Int]) { self.slotByName = slotByName }

    /// The slot of the key token at member position `ordinal`, or -1 when no slot has that name.
    @inline(__always)
    public mutating func slot(_ key: JSONToken, base: UnsafeRawPointer, ordinal: Int) -> Int {
        let p = base + Int(key.start)
        let n = Int(key.length)
        if key.escaped {
            var out: [UInt8] = []
            JSONNode.unescape(UnsafeRawBufferPointer(start: p, count: n), into: &out)
            return slotByName[String(decoding: out, as: UTF8.self)] ?? -1
        }
        if ordinal < cache.count {
            let c = cache[ordinal]
            if c.length == n && cacheBytes.withUnsafeBytes({ memcmp($0.baseAddress! + c.offset, p, n) == 0 }) { return c.slot }
        }
        let s = slotByName[String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)] ?? -1
        if cacheBytes.count > 1 << 20 { cache.removeAll(); cacheBytes.removeAll() }
        let entry = (offset: cacheBytes.count, length: n, slot: s)
        cacheBytes.append(contentsOf: UnsafeRawBufferPointer(start: p, count: n))
        if ordinal < cache.count { cache[ordinal] = entry } else if ordinal == cache.count { cache.append(entry) }
        return s
    }
}

/// The 64-bit hash of a key (one or more values) that `unique`, `relationships` and the group checks
/// remember per distinct key: FNV-1a over the bytes, a separator between values, and a final mix. Two

extension KeySlots {
    /// Walks the members of the JSON object at token 0 of `tokens` (none when it is not an object):
    /// `body` gets each member's slot (-1 for a name no slot reads) and the index of its value token.
    /// Returns the number of members. The row binders of dq-check and of the mapping share it.
    @inline(__always)
    public mutating func forEachMember(_ tokens: UnsafeBufferPointer<JSONToken>, base: UnsafeRawPointer,
                                       _ body: (_ slot: Int, _ value: Int) -> Void) -> Int {
        guard tokens.count > 0, tokens[0].kind == .object else { return 0 }
        let end = Int(tokens[0].end)
        var k = 1
        var ordinal = 0
        while k < end {
            let value = k + 1
            body(slot(tokens[k], base: base, ordinal: ordinal), value)
            k = Int(tokens[value].end)
            ordinal += 1
        }
        return ordinal
    }
}

/// different keys share a hash with probability about n²/2⁶⁵ (3 in a million for 10 million keys).
struct KeyHash {
    private var h: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    }

    /// Between two values of a compound key.
    @inline(__always)
    mutating func separate() { h = (h ^ 0x1F) &* 0x100_0000_01b3 }

    var value: UInt64 {
        var x = h
        x ^= x >> 33
        x = x &* 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x = x &* 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }
}
