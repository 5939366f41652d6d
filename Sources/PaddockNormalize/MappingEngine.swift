public import PaddockCore
#if canImport(Glibc)
import Glibc
#endif

/// Why a record could not be mapped: the field and the rule it broke.
public struct MappingFailure: Error, Sendable {
    public var field: String
    /// `required`, `type`, `minimum`, `maximum`, `enum`, `pattern`, `minLength`, `maxLength`, `parser`, `map`.
    public var rule: String
    public var reason: String
}

/// One mapped value: null, a string, or a literal (the JSON text of a number or boolean), as UTF-8 bytes.
/// The bytes stay valid until the mapper maps the next record.
public struct MappedValue: @unchecked Sendable {
    public static let null: UInt8 = 0, string: UInt8 = 1, literal: UInt8 = 2
    public var kind: UInt8
    public var bytes: UnsafeRawBufferPointer

    static let none = MappedValue(kind: MappedValue.null, bytes: UnsafeRawBufferPointer(start: nil, count: 0))

    public var isNull: Bool { kind == MappedValue.null }
    /// The text of a CSV cell: the bytes, empty for null.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Bytes that stay where they are until `reset()`: values of one record point into it. A value can also be
/// written in place: `begin()`, appends (`ByteAppending`), then `end()`.
final class ByteArena: ValueScratch {
    @exclusivity(unchecked) private var chunks: [UnsafeMutableRawPointer] = []
    @exclusivity(unchecked) private var current: UnsafeMutableRawPointer
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var used = 0
    private static let chunkSize = 64 << 10

    init() {
        capacity = ByteArena.chunkSize
        current = .allocate(byteCount: capacity, alignment: 8)
    }

    deinit {
        current.deallocate()
        for c in chunks { c.deallocate() }
    }

    /// Copies `bytes` into the arena.
    @inline(__always)
    func copy(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let n = bytes.count
        if n == 0 { return UnsafeRawBufferPointer(start: current, count: 0) }
        if used + n > capacity { newChunk(n) }
        let p = current + used
        p.copyMemory(from: bytes.baseAddress!, byteCount: n)
        used += n
        return UnsafeRawBufferPointer(start: p, count: n)
    }

    func copy(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
        bytes.withUnsafeBytes { copy($0) }
    }

    func copy(_ s: String) -> UnsafeRawBufferPointer {
        var s = s
        return s.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
    }

    private func newChunk(_ n: Int) {
        chunks.append(current)
        capacity = max(ByteArena.chunkSize, n)
        current = .allocate(byteCount: capacity, alignment: 8)
        used = 0
    }

    @exclusivity(unchecked) private var openStart = 0

    /// Starts a value written in place.
    @inline(__always)
    func begin() { openStart = used }

    @inline(__always)
    func appendByte(_ byte: UInt8) {
        if used == capacity { moveOpenValue(need: 1) }
        current.storeBytes(of: byte, toByteOffset: used, as: UInt8.self)
        used += 1
    }

    @inline(__always)
    func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        guard n > 0 else { return }
        if used + n > capacity { moveOpenValue(need: n) }
        (current + used).copyMemory(from: bytes.baseAddress!, byteCount: n)
        used += n
    }

    /// The value written since `begin()`.
    @inline(__always)
    func end() -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: current + openStart, count: used - openStart) }

    /// Moves the open value to a new chunk with room for `need` more bytes.
    private func moveOpenValue(need: Int) {
        let partial = used - openStart
        let old = current
        chunks.append(current)
        capacity = max(ByteArena.chunkSize, partial + need)
        current = .allocate(byteCount: capacity, alignment: 8)
        if partial > 0 { current.copyMemory(from: old + openStart, byteCount: partial) }
        openStart = 0
        used = partial
    }

    /// Forgets every copy (keeps the current chunk).
    @inline(__always)
    func reset() {
        used = 0
        openStart = 0
        if !chunks.isEmpty {
            for c in chunks { c.deallocate() }
            chunks.removeAll(keepingCapacity: true)
        }
    }
}

/// Maps raw records onto a table: each field's source, transforms, null values, value map, parser, type
/// and constraints, as declared in the pipeline definition.
///
/// It works on bytes. A record (a parsed NDJSON object or a CSV row) is first bound: the raw values of the
/// names and pointers the fields read are located, once each, without copying. Each field then runs its
/// steps over those bytes; values that change (a parsed price, a slug) are written to an arena that is
/// reset for every record. Nothing allocates per record in the common cases; the rare ones (regex
/// transforms, non-ASCII case folding, date and time types, failure messages) go through Strings.
public final class TableMapper {
    public let table: TableConfig
    /// Output field index by name.
    let fieldIndex: [String: Int]

    // Slots: the distinct source paths the fields read (top-level names and JSON pointers).
    let paths: [String]
    let slotByName: [String: Int]
    let pointerSlots: [Int]
    let unitSlot: Int
    let filterPlan: [FilterPlan]
    /// Every field's transforms and parsers, compiled from their tables (`Transforms`, `FieldParsers`) when
    /// the mapper is made; the plans hold indices into them.
    let transforms: UnsafeMutableBufferPointer<CompiledTransform>
    let parsers: UnsafeMutableBufferPointer<CompiledParser>
    /// The `pattern` constraints, compiled once.
    let patterns: [Regex<AnyRegexOutput>]
    /// `rest` fields: the names each one leaves out besides `readNames` (its `except:`).
    let restExcepts: [[[UInt8]]]
    /// The top-level names some field, template or filter reads by name.
    let readNames: [[UInt8]]
    /// Whether any field is a `rest` field (CSV rows then keep every cell, not only the ones read).
    let hasRest: Bool

    /// The fields' plans, default and per source, where the hot loop reads them without copying.
    let plans: UnsafeMutableBufferPointer<FieldPlan>
    let plansBySource: [String: UnsafeMutableBufferPointer<FieldPlan>]

    // Per record.
    /// Fixed-size buffers, allocated once: the hot loop writes them without uniqueness checks.
    private let slots: UnsafeMutableBufferPointer<RawSlot>
    private let valueStorage: UnsafeMutableBufferPointer<MappedValue>
    /// The values of the last record mapped, in schema order; valid until the next record is bound.
    public var values: UnsafeBufferPointer<MappedValue> { UnsafeBufferPointer(valueStorage) }
    private let arena: ByteArena
    /// `arena` again, for passing `inout` to the transforms and parsers (a copy made there would cost a
    /// retain and a release per value).
    @exclusivity(unchecked) private var scratch: ByteArena
    @exclusivity(unchecked) private var tmp: [UInt8] = []
    @exclusivity(unchecked) private var doc: JSONDocument?
    // JSON: the slot of each key, the key order of the last records tried first.
    @exclusivity(unchecked) private var keys: KeySlots
    // CSV: the slot of each column, for the current header.
    @exclusivity(unchecked) private var columnSlots: [Int] = []
    // CSV, for `rest` fields only: the header's names and the bound row's cells.
    @exclusivity(unchecked) private var columnNames: [[UInt8]] = []
    @exclusivity(unchecked) private var cells: [UnsafeRawBufferPointer] = []
    @exclusivity(unchecked) private var jsonParser = JSONParser()

    struct RawSlot: @unchecked Sendable {
        /// 0 not present, 1 text (bytes as they are), 2 a JSON string with escapes, 3 a JSON object or
        /// array (node), 4 null.
        var kind: UInt8
        var bytes: UnsafeRawBufferPointer
        var node: Int32
        static let absent = RawSlot(kind: 0, bytes: UnsafeRawBufferPointer(start: nil, count: 0), node: 0)
    }

    enum TemplatePart {
        case text([UInt8])
        /// Another field's typed value (`{$field}`).
        case field(Int)
        /// A raw value (`{name}` or `{/pointer}`).
        case slot(Int)
    }

    struct FieldPlan {
        let name: String
        let type: FieldType
        let sources: [Int]
        let fromDescription: String
        let template: [TemplatePart]?
        /// The field's transforms: `TableMapper.transforms[transformStart..<transformEnd]` (indices, not the
        /// compiled values, so that reading the plan copies nothing that is counted).
        let transformStart: Int
        let transformEnd: Int
        let nullValues: [[UInt8]]
        let mapName: String?
        let map: [String: String]?
        let unmappedIsError: Bool
        /// An index into `TableMapper.parsers`, or -1.
        let parser: Int
        let parserConfig: ParserConfig?
        /// For a `rest` field, an index into `TableMapper.restExcepts`; -1 otherwise.
        let rest: Int
        let required: Bool
        let minimum: Double?
        let maximum: Double?
        /// `default:`: the text used when there is no value.
        let defaultValue: [UInt8]?
        let enumValues: [[UInt8]]?
        let enumText: String
        let minLength: Int?
        let maxLength: Int?
        /// Index into `TableMapper.patterns`, or -1 (no Regex in the plan: checking an optional one costs a
        /// witness call per value).
        let pattern: Int
        let patternText: String?
        /// Whether the field has an enum, minLength/maxLength or pattern constraint (one test on the hot path).
        let hasTextConstraints: Bool
    }

    /// A record-level filter condition, compiled.
    struct FilterPlan {
        let slot: Int
        let condition: FilterCondition
        let values: [[UInt8]]
        let regex: Regex<AnyRegexOutput>?
        let description: String
    }

    public init(table: TableConfig, maps: [String: [String: String]] = [:]) throws(PaddockError) {
        self.table = table
        arena = ByteArena()
        scratch = arena
        var index: [String: Int] = [:]
        for (i, f) in table.fields.enumerated() { index[f.name] = i }
        fieldIndex = index

        // Every path any field (or override, or filter) reads gets a slot.
        var paths: [String] = ["_unit"]
        var slotOf: [String: Int] = ["_unit": 0]
        func slot(_ p: String) -> Int {
            if let s = slotOf[p] { return s }
            paths.append(p)
            slotOf[p] = paths.count - 1
            return paths.count - 1
        }
        var configsBySource: [(String?, [FieldConfig])] = [(nil, table.fields)]
        for source in table.bySource.keys.sorted() { configsBySource.append((source, table.fields(for: source))) }
        var compiled: [String?: [FieldPlan]] = [:]
        var patterns: [Regex<AnyRegexOutput>] = []
        var transforms: [CompiledTransform] = []
        var parsers: [CompiledParser] = []
        var restExcepts: [[[UInt8]]] = []
        for (source, configs) in configsBySource {
            let label = source.map { "\(table.name) (source \($0))" } ?? table.name
            compiled[source] = try Self.compile(configs, table: label, maps: maps, index: index, patterns: &patterns, transforms: &transforms, parsers: &parsers, restExcepts: &restExcepts, slot: slot)
        }
        var filters: [FilterPlan] = []
        for (k, rule) in table.filter.enumerated() {
            let regex: Regex<AnyRegexOutput>?
            if case .matches = rule.condition {
                guard let r = try? Regex(rule.values.first ?? "") else {
                    throw PaddockError(.config, "table \(table.name) filter \(k + 1): invalid pattern '\(rule.values.first ?? "")'")
                }
                regex = r
            } else {
                regex = nil
            }
            filters.append(FilterPlan(slot: slot(rule.from), condition: rule.condition, values: rule.values.map { Array($0.utf8) },
                                      regex: regex, description: rule.description))
        }
        filterPlan = filters
        self.patterns = patterns
        self.transforms = .allocate(capacity: transforms.count)
        _ = self.transforms.initialize(from: transforms)
        self.parsers = .allocate(capacity: parsers.count)
        _ = self.parsers.initialize(from: parsers)
        self.restExcepts = restExcepts
        hasRest = !restExcepts.isEmpty
        var read: [[UInt8]] = []
        // A member a field takes whole (by name) is not in the rest; one that fields only look into (by a
        // pointer, taking a part) stays, so nothing of it is lost.
        for p in paths where !p.hasPrefix("/") && !p.hasPrefix("_") { read.append(Array(p.utf8)) }
        readNames = read
        func store(_ p: [FieldPlan]) -> UnsafeMutableBufferPointer<FieldPlan> {
            let b = UnsafeMutableBufferPointer<FieldPlan>.allocate(capacity: p.count)
            _ = b.initialize(from: p)
            return b
        }
        plans = store(compiled[nil]!)
        var bySource: [String: UnsafeMutableBufferPointer<FieldPlan>] = [:]
        for (source, p) in compiled { if let source { bySource[source] = store(p) } }
        plansBySource = bySource
        self.paths = paths
        var names: [String: Int] = [:]
        var pointers: [Int] = []
        for (i, p) in paths.enumerated() {
            if p.hasPrefix("/") { pointers.append(i) } else { names[p] = i }
        }
        slotByName = names
        keys = KeySlots(names)
        pointerSlots = pointers
        unitSlot = 0
        slots = .allocate(capacity: paths.count)
        slots.initialize(repeating: .absent)
        valueStorage = .allocate(capacity: max(table.fields.count, 1))
        valueStorage.initialize(repeating: .none)
        tmp.reserveCapacity(256)
    }

    deinit {
        slots.deallocate()
        valueStorage.deallocate()
        transforms.deinitialize()
        transforms.deallocate()
        parsers.deinitialize()
        parsers.deallocate()
        for b in [plans] + Array(plansBySource.values) {
            b.deinitialize()
            b.deallocate()
        }
    }

    /// The mapper of one table, with the pipeline's value maps (read when the pipeline was loaded).
    public convenience init(table: TableConfig, pipeline: PipelineConfig) throws(PaddockError) {
        try self.init(table: table, maps: pipeline.maps.mapValues(\.pairs))
    }

    static func compile(_ configs: [FieldConfig], table: String, maps: [String: [String: String]], index: [String: Int],
                        patterns: inout [Regex<AnyRegexOutput>], transforms: inout [CompiledTransform],
                        parsers: inout [CompiledParser], restExcepts: inout [[[UInt8]]], slot: (String) -> Int) throws(PaddockError) -> [FieldPlan] {
        var plans: [FieldPlan] = []
        for f in configs {
            let type = f.type
            var pattern: Regex<AnyRegexOutput>?
            if let p = f.constraints.pattern {
                // Frictionless patterns match the whole value.
                guard let re = try? Regex(p) else { throw PaddockError(.config, "table \(table) field \(f.name): invalid pattern '\(p)'") }
                pattern = re
            }
            var patternIndex = -1
            if let pattern {
                patterns.append(pattern)
                patternIndex = patterns.count - 1
            }
            if let m = f.map, maps[m] == nil {
                throw PaddockError(.config, "table \(table) field \(f.name): unknown map '\(m)'")
            }
            let transformStart = transforms.count
            for tr in f.transforms {
                do {
                    transforms.append(try Transforms.compile(tr))
                } catch {
                    throw PaddockError(.config, "table \(table) field \(f.name): \(error.message)\(error.suggestion)", hint: "transforms: \(Transforms.usageList)")
                }
            }
            var parser = -1
            if let p = f.parser {
                do {
                    parsers.append(try FieldParsers.compile(p))
                    parser = parsers.count - 1
                } catch {
                    throw PaddockError(.config, "table \(table) field \(f.name): \(error.message)\(error.detail)")
                }
            }
            var template: [TemplatePart]?
            if let t = f.template {
                template = try FieldTemplate.parse(t, field: f.name).map { part in
                    switch part {
                    case .text(let s): return .text(Array(s.utf8))
                    case .value(let ref) where ref.hasPrefix("$"): return .field(index[String(ref.dropFirst())] ?? -1)
                    case .value(let ref): return .slot(slot(ref))
                    }
                }
            }
            var rest = -1
            if let r = f.rest {
                guard type == .object else {
                    throw PaddockError(.config, "table \(table) field \(f.name): a rest field must have type object, not \(f.type.rawValue)")
                }
                restExcepts.append(r.except.map { Array($0.utf8) })
                rest = restExcepts.count - 1
            }
            let c = f.constraints
            plans.append(FieldPlan(
                name: f.name, type: type, sources: f.from.map(slot),
                fromDescription: f.rest != nil ? "the rest of the record" : f.from.isEmpty ? "its template" : f.from.joined(separator: " / "),
                template: template, transformStart: transformStart, transformEnd: transforms.count, nullValues: f.nullValues.map { Array($0.utf8) },
                mapName: f.map, map: f.map.flatMap { maps[$0] }, unmappedIsError: f.unmapped == .error,
                parser: parser, parserConfig: f.parser, rest: rest,
                required: c.required, minimum: c.minimum, maximum: c.maximum,
                defaultValue: f.defaultValue.map { Array($0.utf8) },
                enumValues: c.enum.map { $0.map { Array($0.utf8) } }, enumText: (c.enum ?? []).joined(separator: ", "),
                minLength: c.minLength, maxLength: c.maxLength, pattern: patternIndex, patternText: c.pattern,
                hasTextConstraints: c.enum != nil || c.minLength != nil || c.maxLength != nil || c.pattern != nil))
        }
        for (i, f) in plans.enumerated() {
            for case .field(let ref) in f.template ?? [] {
                guard ref >= 0, plans[ref].template == nil else {
                    let name = configs[i].template ?? ""
                    throw PaddockError(.config, "table \(table) field \(f.name): template '\(name)' refers to a field that does not exist or has a template itself")
                }
            }
        }
        return plans
    }


    // MARK: - Binding a record

    private func clearSlots() {
        arena.reset()
        doc = nil
        if hasRest { cells.removeAll(keepingCapacity: true) }
        for i in 0..<slots.count { slots[i] = .absent }
    }

    /// Binds a parsed JSON object: locates the value of every name and pointer the fields read. The first
    /// member of a name wins.
    public func bind(_ document: JSONDocument) {
        clearSlots()
        doc = document
        document.tokens.withUnsafeBufferPointer { t in
            let base = document.bytes.baseAddress!
            _ = keys.forEachMember(t, base: base) { s, valueIndex in
                guard s >= 0 && slots[s].kind == 0 else { return }
                let v = t[valueIndex]
                switch v.kind {
                case .string:
                    slots[s] = RawSlot(kind: v.escaped ? 2 : 1, bytes: UnsafeRawBufferPointer(start: base + Int(v.start), count: Int(v.length)), node: 0)
                case .number, .true, .false:
                    slots[s] = RawSlot(kind: 1, bytes: UnsafeRawBufferPointer(start: base + Int(v.start), count: Int(v.length)), node: 0)
                case .null:
                    slots[s] = RawSlot(kind: 4, bytes: UnsafeRawBufferPointer(start: nil, count: 0), node: 0)
                case .object, .array:
                    slots[s] = RawSlot(kind: 3, bytes: UnsafeRawBufferPointer(start: nil, count: 0), node: Int32(valueIndex))
                }
            }
        }
        if !pointerSlots.isEmpty {
            let root = document.root
            for s in pointerSlots {
                guard let node = root.pointer(paths[s]) else { continue }
                switch node.kind {
                case .string: slots[s] = RawSlot(kind: node.hasEscapes ? 2 : 1, bytes: node.rawBytes, node: 0)
                case .number, .true, .false: slots[s] = RawSlot(kind: 1, bytes: node.rawBytes, node: 0)
                case .null: slots[s] = RawSlot(kind: 4, bytes: UnsafeRawBufferPointer(start: nil, count: 0), node: 0)
                case .object, .array: slots[s] = RawSlot(kind: 3, bytes: UnsafeRawBufferPointer(start: nil, count: 0), node: Int32(node.index))
                }
            }
        }
    }

    /// Sets the CSV header: which slot each column feeds.
    public func bindHeader(_ header: [String]) {
        if hasRest { columnNames = header.map { Array($0.utf8) } }
        var seen = Set<Int>()
        columnSlots = header.map { name in
            guard let s = slotByName[name], seen.insert(s).inserted else { return -1 }
            return s
        }
    }

    /// Binds a CSV row (after `bindHeader`). Every value is text; an empty cell is an empty text.
    public func bind(_ row: CSVRow) {
        clearSlots()
        let n = min(row.count, columnSlots.count)
        for i in 0..<n {
            let s = columnSlots[i]
            if s >= 0 { slots[s] = RawSlot(kind: 1, bytes: row.bytes(i), node: 0) }
        }
        if hasRest { for i in 0..<n { cells.append(row.bytes(i)) } }
    }

    /// Binds a CSV row of a `RecordBatch` (after `bindHeader`).
    func bind(fieldsOf base: UnsafeRawPointer, _ fields: UnsafeBufferPointer<RecordBatch.Field>) {
        clearSlots()
        let n = min(fields.count, columnSlots.count)
        for i in 0..<n {
            let s = columnSlots[i]
            if s >= 0 { slots[s] = RawSlot(kind: 1, bytes: UnsafeRawBufferPointer(start: base + Int(fields[i].offset), count: Int(fields[i].length)), node: 0) }
        }
        if hasRest { for i in 0..<n { cells.append(UnsafeRawBufferPointer(start: base + Int(fields[i].offset), count: Int(fields[i].length))) } }
    }

    /// The text of a slot: nil when absent or null; strings decoded; numbers as written; objects and
    /// arrays as compact JSON.
    @inline(__always)
    private func text(_ s: Int) -> UnsafeRawBufferPointer? {
        let slot = slots[s]
        switch slot.kind {
        case 1: return slot.bytes
        case 2:
            tmp.removeAll(keepingCapacity: true)
            JSONNode.unescape(slot.bytes, into: &tmp)
            return arena.copy(tmp)
        case 3:
            guard let doc else { return nil }
            return arena.copy(JSONNode(doc: doc, index: Int(slot.node)).compactJSON)
        default: return nil
        }
    }

    /// The source of the bound record: the first segment of its `_unit`, if any.
    public var recordSource: String? {
        guard let unit = text(unitSlot), let slash = unit.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: unit[..<slash]), as: UTF8.self)
    }

    // MARK: - Filter

    /// The first filter condition the bound record fails, described; nil when it passes them all.
    public func failedFilter() -> String? {
        for f in filterPlan {
            let t = text(f.slot)
            let pass: Bool
            switch f.condition {
            case .present: pass = t != nil && t!.count > 0
            case .absent: pass = t == nil || t!.count == 0
            case .in: pass = t.map { v in f.values.contains { Self.equal(v, $0) } } ?? false
            case .notIn: pass = t.map { v in !f.values.contains { Self.equal(v, $0) } } ?? true
            case .matches:
                guard let t, let re = f.regex else { pass = false; break }
                pass = (try? re.wholeMatch(in: String(decoding: t, as: UTF8.self))) != nil
            }
            if !pass { return f.description }
        }
        return nil
    }

    // MARK: - Mapping

    /// Maps the bound record to the table's values (in `values`, schema order), or says why it cannot.
    ///
    /// Fields without a template come first, then templated fields, which may refer to raw values
    /// (`{date}`, `{/score/ft/0}`) and to other fields' typed values (`{$home_team}`).
    public func mapBound() throws(MappingFailure) {
        if plansBySource.isEmpty {
            try map(plans)
        } else {
            try map(recordSource.flatMap { plansBySource[$0] } ?? plans)
        }
    }

    private func map(_ plans: UnsafeMutableBufferPointer<FieldPlan>) throws(MappingFailure) {
        let n = plans.count
        let base = plans.baseAddress!
        for i in 0..<n where base[i].template == nil {
            let f = UnsafePointer(base + i)
            var raw: UnsafeRawBufferPointer?
            let m = f.pointee.sources.count
            for k in 0..<m {
                if let t = text(f.pointee.sources[k]) { raw = t; break }
            }
            if f.pointee.rest >= 0 { raw = restValue(f.pointee.rest) }
            valueStorage[i] = try value(raw, f)
        }
        for i in 0..<n where base[i].template != nil {
            let f = UnsafePointer(base + i)
            tmp.removeAll(keepingCapacity: true)
            var missing = false
            for part in f.pointee.template! {
                switch part {
                case .text(let t): tmp.append(contentsOf: t)
                case .field(let r):
                    let v = valueStorage[r]
                    if v.kind == MappedValue.null { missing = true } else { tmp.append(contentsOf: v.bytes) }
                case .slot(let s):
                    if let t = text(s) { tmp.append(contentsOf: t) } else { missing = true }
                }
            }
            valueStorage[i] = try value(missing ? nil : arena.copy(tmp), f)
        }
    }


    /// The members of the bound record that no field reads, less `except` and `_` names, as a compact JSON
    /// object; nil when there are none. For a CSV row, the unread columns' non-empty cells, as strings.
    private func restValue(_ r: Int) -> UnsafeRawBufferPointer? {
        let except = restExcepts[r]
        func leftOut(_ name: UnsafeRawBufferPointer) -> Bool {
            if name.first == UInt8(ascii: "_") { return true }
            for n in readNames where Self.equal(name, n) { return true }
            for n in except where Self.equal(name, n) { return true }
            return false
        }
        arena.begin()
        var a = arena
        a.appendByte(UInt8(ascii: "{"))
        var members = 0
        if let doc {
            doc.root.forEachMember { k, v in
                let skip: Bool
                if k.hasEscapes {
                    var name: [UInt8] = []
                    JSONNode.unescape(k.rawBytes, into: &name)
                    skip = name.withUnsafeBytes { leftOut($0) }
                } else {
                    skip = leftOut(k.rawBytes)
                }
                if skip { return }
                if members > 0 { a.appendByte(UInt8(ascii: ",")) }
                members += 1
                JSONWriter.appendCompact(k, to: &a)
                a.appendByte(UInt8(ascii: ":"))
                JSONWriter.appendCompact(v, to: &a)
            }
        } else {
            for i in 0..<min(cells.count, columnNames.count) where cells[i].count > 0 {
                if columnNames[i].withUnsafeBytes({ leftOut($0) }) { continue }
                if members > 0 { a.appendByte(UInt8(ascii: ",")) }
                members += 1
                a.appendByte(0x22)
                columnNames[i].withUnsafeBytes { JSONWriter.appendEscaped($0, to: &a) }
                a.appendStatic("\":\"")
                JSONWriter.appendEscaped(cells[i], to: &a)
                a.appendByte(0x22)
            }
        }
        a.appendByte(UInt8(ascii: "}"))
        let value = arena.end()
        return members > 0 ? value : nil
    }

    /// A JSON object or array: the text must be one (a container from the record, or JSON text in a string
    /// or a CSV cell); it is written as compact JSON.
    private func container(_ text: UnsafeRawBufferPointer, _ f: UnsafePointer<FieldPlan>) throws(MappingFailure) -> MappedValue {
        let want: JSONKind = f.pointee.type == .object ? .object : .array
        let what = want == .object ? "a JSON object" : "a JSON array"
        let shown = text.count > 60 ? String(decoding: text.prefix(60), as: UTF8.self) + "..." : String(decoding: text, as: UTF8.self)
        guard let document = try? jsonParser.parse(text), document.root.kind == want else {
            throw MappingFailure(field: f.pointee.name, rule: "type", reason: "field \(f.pointee.name): '\(shown)' is not \(what)")
        }
        arena.begin()
        var a = arena
        JSONWriter.appendCompact(document.root, to: &a)
        return MappedValue(kind: MappedValue.literal, bytes: arena.end())
    }

    /// Transforms, null values, value map and parser, then the type and constraints.
    @inline(__always)
    private func value(_ raw: UnsafeRawBufferPointer?, _ f: UnsafePointer<FieldPlan>) throws(MappingFailure) -> MappedValue {
        guard var text = raw else { return try noValue(f) }
        let end = f.pointee.transformEnd
        if f.pointee.transformStart < end {
            let compiled = transforms.baseAddress!
            for k in f.pointee.transformStart..<end {
                guard let t = compiled[k].apply(text, &scratch) else { return try noValue(f) }
                text = t
            }
        }
        let nulls = f.pointee.nullValues.count
        for k in 0..<nulls where Self.equal(text, f.pointee.nullValues[k]) { return try noValue(f) }
        if let map = f.pointee.map {
            let key = String(decoding: text, as: UTF8.self)
            if let mapped = map[key] {
                text = arena.copy(mapped)
            } else if f.pointee.unmappedIsError {
                throw MappingFailure(field: f.pointee.name, rule: "map", reason: "field \(f.pointee.name): '\(key)' is not in map \(f.pointee.mapName ?? "")")
            }
        }
        if f.pointee.parser >= 0 {
            arena.begin()
            guard parsers.baseAddress![f.pointee.parser].run(text.assumingMemoryBound(to: UInt8.self), into: &scratch) else {
                throw MappingFailure(field: f.pointee.name, rule: "parser",
                                     reason: "field \(f.pointee.name): '\(String(decoding: text, as: UTF8.self))' is not a valid \(FieldParsers.describe(f.pointee.parserConfig!))")
            }
            let v = arena.end()
            if v.isEmpty { return try noValue(f) }
            text = v
        }
        return try typed(text, f)
    }

    /// The value of a field whose source gives none: its `default`, typed and checked, or null (an error
    /// when the field is required).
    private func noValue(_ f: UnsafePointer<FieldPlan>) throws(MappingFailure) -> MappedValue {
        if let d = f.pointee.defaultValue { return try typed(arena.copy(d), f) }
        return try typed(nil, f)
    }

    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Bool {
        a.count == b.count && (a.count == 0 || b.withUnsafeBytes { memcmp(a.baseAddress!, $0.baseAddress!, a.count) == 0 })
    }

    static func isASCII(_ b: UnsafeRawBufferPointer) -> Bool {
        for c in b where c >= 0x80 { return false }
        return true
    }

    static let trueBytes: [UInt8] = Array("true".utf8), falseBytes: [UInt8] = Array("false".utf8)

    /// The typed value of a text, checked against the field's constraints.
    private func typed(_ text: UnsafeRawBufferPointer?, _ f: UnsafePointer<FieldPlan>) throws(MappingFailure) -> MappedValue {
        guard let text else {
            if f.pointee.required {
                throw MappingFailure(field: f.pointee.name, rule: "required", reason: "field \(f.pointee.name) is required but \(f.pointee.fromDescription) has no value")
            }
            return .none
        }
        var value: MappedValue
        var numeric: Double?
        switch f.pointee.type {
        case .string:
            value = MappedValue(kind: MappedValue.string, bytes: text)
        case .integer, .year:
            guard let i = Self.parseInt(text), f.pointee.type != .year || (text.count == 4 && i >= 0) else {
                throw MappingFailure(field: f.pointee.name, rule: "type", reason: "field \(f.pointee.name): '\(String(decoding: text, as: UTF8.self))' is not \(f.pointee.type == .year ? "a year" : "an integer")")
            }
            if Self.isCanonicalInt(text) {
                value = MappedValue(kind: MappedValue.literal, bytes: text)
            } else {
                arena.begin()
                var a = arena
                ValueParsers.appendInt(i, to: &a)
                value = MappedValue(kind: MappedValue.literal, bytes: arena.end())
            }
            numeric = Double(i)
        case .number:
            if Parsers.isJSONNumber(text) {
                value = MappedValue(kind: MappedValue.literal, bytes: text)
                if f.pointee.minimum != nil || f.pointee.maximum != nil { numeric = Double(String(decoding: text, as: UTF8.self)) }
            } else {
                let s = String(decoding: text, as: UTF8.self)
                guard let d = Double(s), d.isFinite else {
                    throw MappingFailure(field: f.pointee.name, rule: "type", reason: "field \(f.pointee.name): '\(s)' is not a number")
                }
                value = MappedValue(kind: MappedValue.literal, bytes: arena.copy(String(d)))
                numeric = d
            }
        case .boolean:
            switch String(decoding: text, as: UTF8.self).lowercased() {
            case "true", "yes", "y", "1": value = MappedValue(kind: MappedValue.literal, bytes: arena.copy(Self.trueBytes))
            case "false", "no", "n", "0": value = MappedValue(kind: MappedValue.literal, bytes: arena.copy(Self.falseBytes))
            default: throw MappingFailure(field: f.pointee.name, rule: "type", reason: "field \(f.pointee.name): '\(String(decoding: text, as: UTF8.self))' is not a boolean")
            }
        case .date, .time, .datetime, .duration:
            let s = String(decoding: text, as: UTF8.self)
            let result: String?
            let expected: String
            switch f.pointee.type {
            case .date: result = Parsers.isoDate(s); expected = "a date (YYYY-MM-DD)"
            case .time: result = Parsers.time(s); expected = "a time (HH:MM or HH:MM:SS)"
            case .datetime: result = Timestamp(parsing: s)?.iso8601; expected = "a datetime (ISO 8601)"
            default: result = Parsers.isDuration(s) ? s : nil; expected = "a duration (ISO 8601, e.g. PT1M12.45S)"
            }
            guard let result else { throw MappingFailure(field: f.pointee.name, rule: "type", reason: "field \(f.pointee.name): '\(s)' is not \(expected)") }
            value = MappedValue(kind: MappedValue.string, bytes: result == s ? text : arena.copy(result))
        case .object, .array:
            value = try container(text, f)
        }
        if let n = numeric {
            if let min = f.pointee.minimum, n < min {
                throw MappingFailure(field: f.pointee.name, rule: "minimum", reason: "field \(f.pointee.name): \(String(decoding: text, as: UTF8.self)) is below the minimum \(Parsers.format(min))")
            }
            if let max = f.pointee.maximum, n > max {
                throw MappingFailure(field: f.pointee.name, rule: "maximum", reason: "field \(f.pointee.name): \(String(decoding: text, as: UTF8.self)) is above the maximum \(Parsers.format(max))")
            }
        }
        if f.pointee.hasTextConstraints { try checkText(value, f) }
        return value
    }

    /// The enum, length and pattern constraints.
    private func checkText(_ value: MappedValue, _ f: UnsafePointer<FieldPlan>) throws(MappingFailure) {
        if let e = f.pointee.enumValues, !e.contains(where: { Self.equal(value.bytes, $0) }) {
            throw MappingFailure(field: f.pointee.name, rule: "enum", reason: "field \(f.pointee.name): '\(value.text)' is not one of \(f.pointee.enumText)")
        }
        if f.pointee.minLength != nil || f.pointee.maxLength != nil {
            let length = Self.isASCII(value.bytes) ? value.bytes.count : value.text.count
            if let minLength = f.pointee.minLength, length < minLength {
                throw MappingFailure(field: f.pointee.name, rule: "minLength", reason: "field \(f.pointee.name): '\(value.text)' is shorter than \(minLength)")
            }
            if let maxLength = f.pointee.maxLength, length > maxLength {
                throw MappingFailure(field: f.pointee.name, rule: "maxLength", reason: "field \(f.pointee.name): '\(value.text)' is longer than \(maxLength)")
            }
        }
        if f.pointee.pattern >= 0, (try? patterns[f.pointee.pattern].wholeMatch(in: value.text)) == nil {
            throw MappingFailure(field: f.pointee.name, rule: "pattern", reason: "field \(f.pointee.name): '\(value.text)' does not match \(f.pointee.patternText ?? "")")
        }
    }

    /// Swift's `Int(String)`: an optional sign and decimal digits, no blanks, no overflow.
    static func parseInt(_ b: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        let n = b.count
        var negative = false
        if n > 0 && (b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+")) { negative = b[0] == UInt8(ascii: "-"); i = 1 }
        guard i < n else { return nil }
        var v = 0
        while i < n {
            let d = b[i] &- 0x30
            guard d < 10 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int(d)) : m.addingReportingOverflow(Int(d))
            guard !o1 && !o2 else { return nil }
            v = a
            i += 1
        }
        return v
    }

    /// Digits as `String(Int)` writes them: no sign but `-`, no leading zero, no `-0`.
    static func isCanonicalInt(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        if b.count > 1 && b[0] == UInt8(ascii: "-") { i = 1 }
        guard i < b.count, b[i] != UInt8(ascii: "+") else { return false }
        if b[i] == UInt8(ascii: "0") { return b.count == 1 }
        return true
    }

    /// True when `b` is a JSON number as written (so it can be output unchanged).
    /// The Frictionless Table Schema of this table, as JSON.
    public func tableSchemaJSON() -> String { table.tableSchemaJSON() }
}
