import CYAML

/// A node of a YAML document with the position it starts at: what the config reader walks.
///
/// Built by `YAMLDocument.parse` from libyaml's events (`yaml_parser_parse`): scalars keep their text
/// and whether they were written plain (unquoted), so that `~`, `null` and an empty value can be told
/// from the text `""`; aliases are resolved to the node their anchor names.
enum YAMLNode {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    /// Where the node starts.
    var position: ConfigPosition {
        switch self {
        case .scalar(let s): return s.position
        case .mapping(let m): return m.position
        case .sequence(let s): return s.position
        }
    }

    /// The text of a scalar node.
    var scalarText: String? {
        if case .scalar(let s) = self { return s.string }
        return nil
    }
}

struct YAMLScalar {
    var string: String
    /// Written without quotes (only then can it mean null).
    var plain: Bool
    var position: ConfigPosition
}

struct YAMLMapping: Sequence {
    var pairs: [(key: YAMLNode, value: YAMLNode)]
    var position: ConfigPosition

    func makeIterator() -> IndexingIterator<[(key: YAMLNode, value: YAMLNode)]> { pairs.makeIterator() }

    /// The value of the first key whose text is `key`.
    subscript(key: String) -> YAMLNode? { pairs.first { $0.key.scalarText == key }?.value }

    var keys: [YAMLNode] { pairs.map(\.key) }
}

struct YAMLSequence: Sequence {
    var items: [YAMLNode]
    var position: ConfigPosition

    func makeIterator() -> IndexingIterator<[YAMLNode]> { items.makeIterator() }
}

/// A YAML text that is not well formed: where, and libyaml's words for it.
struct YAMLSyntaxError: Error {
    var position: ConfigPosition
    var message: String
}

/// Parses YAML text into `YAMLNode`s with libyaml (the same parser PyYAML and Yams use), one document.
enum YAMLDocument {
    /// The document's root node, or nil for an empty document (only comments or nothing).
    static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte order mark
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLSyntaxError(position: .init(line: 1, column: 1), message: "out of memory") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buf) throws(YAMLSyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var composer = Composer(parser: &parser)
            return try composer.document()
        }
    }

    /// Builds nodes from the parser's events, in order.
    struct Composer {
        let parser: UnsafeMutablePointer<yaml_parser_t>
        var anchors: [String: YAMLNode] = [:]

        init(parser: UnsafeMutablePointer<yaml_parser_t>) { self.parser = parser }

        /// The next event (the caller deletes it), or the parser's error.
        mutating func next() throws(YAMLSyntaxError) -> yaml_event_t {
            var event = yaml_event_t()
            guard yaml_parser_parse(parser, &event) == 1 else {
                let p = parser.pointee
                var message = p.problem.map { String(cString: $0) } ?? "invalid YAML"
                if let context = p.context {
                    message += " (\(String(cString: context)) at line \(p.context_mark.line + 1), column \(p.context_mark.column + 1))"
                }
                throw YAMLSyntaxError(position: Self.position(p.problem_mark), message: message)
            }
            return event
        }

        static func position(_ mark: yaml_mark_t) -> ConfigPosition { ConfigPosition(line: mark.line + 1, column: mark.column + 1) }

        static func text(_ p: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
            guard let p else { return "" }
            return String(decoding: UnsafeBufferPointer(start: p, count: length), as: UTF8.self)
        }

        static func text(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            p.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }

        mutating func document() throws(YAMLSyntaxError) -> YAMLNode? {
            var root: YAMLNode?
            var documents = 0
            while true {
                var event = try next()
                let type = event.type
                let at = Self.position(event.start_mark)
                yaml_event_delete(&event)
                switch type {
                case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
                    continue
                case YAML_DOCUMENT_START_EVENT:
                    documents += 1
                    if documents > 1 { throw YAMLSyntaxError(position: at, message: "a second document (---): a pipeline definition is one document") }
                    root = try node()
                case YAML_STREAM_END_EVENT:
                    return root
                default:
                    throw YAMLSyntaxError(position: at, message: "unexpected YAML event")
                }
            }
        }

        /// The node starting at the next event (which must start one).
        mutating func node() throws(YAMLSyntaxError) -> YAMLNode {
            var event = try next()
            defer { yaml_event_delete(&event) }
            return try node(from: &event)
        }

        mutating func node(from event: inout yaml_event_t) throws(YAMLSyntaxError) -> YAMLNode {
            let at = Self.position(event.start_mark)
            switch event.type {
            case YAML_SCALAR_EVENT:
                let s = event.data.scalar
                let n = YAMLNode.scalar(YAMLScalar(string: Self.text(s.value, Int(s.length)), plain: s.style == YAML_PLAIN_SCALAR_STYLE, position: at))
                if let a = Self.text(s.anchor) { anchors[a] = n }
                return n
            case YAML_ALIAS_EVENT:
                let name = Self.text(event.data.alias.anchor) ?? ""
                guard let n = anchors[name] else { throw YAMLSyntaxError(position: at, message: "alias *\(name) names no anchor &\(name) before it") }
                return n
            case YAML_SEQUENCE_START_EVENT:
                let anchor = Self.text(event.data.sequence_start.anchor)
                var items: [YAMLNode] = []
                while true {
                    var e = try next()
                    defer { yaml_event_delete(&e) }
                    if e.type == YAML_SEQUENCE_END_EVENT { break }
                    items.append(try node(from: &e))
                }
                let n = YAMLNode.sequence(YAMLSequence(items: items, position: at))
                if let anchor { anchors[anchor] = n }
                return n
            case YAML_MAPPING_START_EVENT:
                let anchor = Self.text(event.data.mapping_start.anchor)
                var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                var seen: [String: ConfigPosition] = [:]
                while true {
                    var e = try next()
                    defer { yaml_event_delete(&e) }
                    if e.type == YAML_MAPPING_END_EVENT { break }
                    let key = try node(from: &e)
                    if let k = key.scalarText, k != "<<" {
                        if let first = seen[k] {
                            throw YAMLSyntaxError(position: key.position, message: "key '\(k)' is given twice in the same mapping (first at line \(first.line), column \(first.column))")
                        }
                        seen[k] = key.position
                    }
                    pairs.append((key, try node()))
                }
                let n = YAMLNode.mapping(YAMLMapping(pairs: pairs, position: at))
                if let anchor { anchors[anchor] = n }
                return n
            default:
                throw YAMLSyntaxError(position: at, message: "unexpected YAML event")
            }
        }
    }
}
