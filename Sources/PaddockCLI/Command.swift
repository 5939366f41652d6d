import PaddockCore

/// A set of options that fills a value of its own type: a whole command, or a group that several commands
/// share (`PipelineOptions`, `FormatOptions`, `WindowOptions`).
///
/// The options are declared once, in `options`, a table of `OptionSpec`s; the parser, the usage line and
/// `--help` all read it. A default shown in `--help` is the property's value in `init()`.
public protocol ParsableOptions {
    init()
    /// The options in the order `--help` lists them.
    static var options: [OptionSpec<Self>] { get }
}

/// A tool's command: its options, its help text and what it does.
public protocol Command: ParsableOptions {
    /// The tool's name, for messages and the usage line.
    static var name: String { get }
    /// One line for `OVERVIEW:`.
    static var abstract: String { get }
    /// The paragraphs of `--help` after the overview: details, EXAMPLES, exit codes.
    static var discussion: String { get }
    /// Checks that the options go together, after parsing; a usage error exits 64 with the usage line.
    func validate() throws(UsageError)
    /// Does the work. Only `runTool` turns the error into a message and an exit code.
    func run() throws(PaddockError)
}

extension Command {
    public func validate() throws(UsageError) {}
}

/// A command line that cannot be run: an unknown option, a missing or invalid value, options that do
/// not go together. Exits 64 with the message, the usage line and a pointer to `--help`.
public struct UsageError: Error, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// A type an option's value is read as.
public protocol ArgumentValue {
    /// The value of `argument`, or nil when it is not a valid one.
    init?(argument: String)
    /// The value as written on the command line (for defaults in `--help`).
    var argumentText: String { get }
    /// The only values accepted, listed in `--help` and in errors; nil for any.
    static var choices: [String]? { get }
}

extension ArgumentValue {
    public static var choices: [String]? { nil }
}

/// Enumerations take their raw values; `--help` lists them.
extension ArgumentValue where Self: RawRepresentable & CaseIterable, RawValue == String {
    public init?(argument: String) { self.init(rawValue: argument) }
    public var argumentText: String { rawValue }
    public static var choices: [String]? { allCases.map(\.rawValue) }
}

extension String: ArgumentValue {
    public init?(argument: String) { self = argument }
    public var argumentText: String { self }
}

extension Int: ArgumentValue {
    public init?(argument: String) { self.init(argument, radix: 10) }
    public var argumentText: String { String(self) }
}

extension RecordFormat: ArgumentValue {}

/// What an entry of an options table is.
public enum OptionKind: Equatable {
    /// `--name`: present or not.
    case flag
    /// `--name value` or `--name=value`; given twice, the last one counts.
    case value
    /// `--name value`, repeatable; the values are kept in order.
    case repeated
    /// The arguments that are not options (the input files).
    case positional
    /// The entries of another table, stored in a property of this one.
    case group
}

/// One entry of an options table: an option, a flag, the positional arguments, or a group of options
/// declared by another `ParsableOptions` type.
public struct OptionSpec<Root> {
    public let kind: OptionKind
    /// The long name without `--`; for positional arguments, the name shown as `<name>`.
    public let name: String
    public let help: String
    /// Must be given (`Missing expected argument` otherwise).
    public internal(set) var isRequired = false
    /// The values accepted, when the type has a closed set.
    public internal(set) var choices: [String]? = nil
    /// The default as `--help` shows it, or nil for none; evaluated only for `--help`.
    var defaultText: () -> String? = { nil }
    /// The entries of a group.
    var members: [OptionSpec<Root>] = []
    /// Stores one value from the command line; false when the text is not a valid value.
    let store: (inout Root, String) -> Bool

    /// `--name` or `--name <name>`, as in the usage line and `--help`.
    public var label: String {
        switch kind {
        case .flag: return "--\(name)"
        case .value, .repeated: return "--\(name) <\(name)>"
        case .positional: return "<\(name)>"
        case .group: return ""
        }
    }

    /// The group's entries in place of the group, recursively.
    static func flatten(_ table: [OptionSpec<Root>]) -> [OptionSpec<Root>] {
        var flat: [OptionSpec<Root>] = []
        for spec in table {
            if spec.kind == .group { flat += flatten(spec.members) } else { flat.append(spec) }
        }
        return flat
    }

    /// This entry for a type that holds `Root` at `path`.
    func lifted<Outer>(to path: WritableKeyPath<Outer, Root>) -> OptionSpec<Outer> {
        let store = self.store
        return OptionSpec<Outer>(kind: kind, name: name, help: help, isRequired: isRequired, choices: choices, defaultText: defaultText,
                                 members: members.map { $0.lifted(to: path) }) { outer, text in store(&outer[keyPath: path], text) }
    }
}

extension OptionSpec where Root: ParsableOptions {
    /// A flag: `--name` sets the property to true.
    public static func flag(_ name: String, _ path: WritableKeyPath<Root, Bool>, help: String) -> Self {
        Self(kind: .flag, name: name, help: help) { root, _ in
            root[keyPath: path] = true
            return true
        }
    }

    /// An option with a value and a default: `--help` shows the property's value in `Root()`.
    public static func value<V: ArgumentValue>(_ name: String, _ path: WritableKeyPath<Root, V>, help: String) -> Self {
        Self(kind: .value, name: name, help: help, choices: V.choices, defaultText: { Root()[keyPath: path].argumentText },
             store: reading { (root, v: V) in root[keyPath: path] = v })
    }

    /// An option with a value and no default: nil when it is not given.
    public static func value<V: ArgumentValue>(_ name: String, _ path: WritableKeyPath<Root, V?>, help: String) -> Self {
        Self(kind: .value, name: name, help: help, choices: V.choices, store: reading { (root, v: V) in root[keyPath: path] = v })
    }

    /// An option that must be given.
    public static func required<V: ArgumentValue>(_ name: String, _ path: WritableKeyPath<Root, V>, help: String) -> Self {
        Self(kind: .value, name: name, help: help, isRequired: true, choices: V.choices, store: reading { (root, v: V) in root[keyPath: path] = v })
    }

    /// A repeatable option: every value, in order.
    public static func repeated<V: ArgumentValue>(_ name: String, _ path: WritableKeyPath<Root, [V]>, help: String) -> Self {
        Self(kind: .repeated, name: name, help: help, choices: V.choices, store: reading { (root, v: V) in root[keyPath: path].append(v) })
    }

    /// The arguments that are not options, in order (`-` among them as it is).
    public static func positional(_ name: String, _ path: WritableKeyPath<Root, [String]>, help: String) -> Self {
        Self(kind: .positional, name: name, help: help, store: reading { (root, v: String) in root[keyPath: path].append(v) })
    }

    /// The options of a shared group, held in the property at `path`, listed here in its order.
    public static func group<G: ParsableOptions>(_ path: WritableKeyPath<Root, G>) -> Self {
        Self(kind: .group, name: "", help: "", members: G.options.map { $0.lifted(to: path) }) { _, _ in true }
    }

    /// A store that reads the text as a `V` and hands it to `assign`; false when it is not a valid `V`.
    private static func reading<V: ArgumentValue>(_ assign: @escaping (inout Root, V) -> Void) -> (inout Root, String) -> Bool {
        { root, text in
            guard let v = V(argument: text) else { return false }
            assign(&root, v)
            return true
        }
    }
}
