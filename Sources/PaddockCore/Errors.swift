/// Where a record, a value or an error comes from: a file (or unit) and, when known, a line and a field.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file name as the user gave it, `-` or `<stdin>` for standard input.
    public var file: String
    /// The 1-based physical line where the record starts, when known.
    public var line: Int?
    /// A field name or JSON pointer inside the record, when the error is about one value.
    public var field: String?
    /// The unit of work the record came from (see `discover`), when known.
    public var unit: String?

    public init(file: String, line: Int? = nil, field: String? = nil, unit: String? = nil) {
        self.file = file
        self.line = line
        self.field = field
        self.unit = unit
    }

    /// `file:line:field`, the form used at the start of error messages.
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        if let field { s += ": field \(field)" }
        return s
    }
}

/// The one error type of Paddock's core: a kind, a lowercase message, an optional location and hint.
///
/// Only the CLI layer turns these into messages on stderr and exit codes (see `exitCode`).
public struct PaddockError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What went wrong, which decides the exit code.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public let exitCode: Int32
        public var description: String { name }

        /// Bad command line or options: exit 64.
        public static let usage = Kind(name: "usage", exitCode: 64)
        /// Malformed input data (CSV, JSON, zstd): exit 2.
        public static let parse = Kind(name: "parse", exitCode: 2)
        /// One record of an input is malformed (a CSV row of the wrong width, a line over the limit), and
        /// the reader can go on after it: the loops that quarantine or reject records take these, and only
        /// these; anything else about an input (a truncated stream, an unreadable file) ends the read. Exit 2.
        public static let record = Kind(name: "record", exitCode: 2)
        /// Reading or writing files or streams failed: exit 2.
        public static let io = Kind(name: "io", exitCode: 2)
        /// A configuration file is missing or invalid: exit 2.
        public static let config = Kind(name: "config", exitCode: 2)
        /// Data violates a declared rule in a way that stops the run: exit 2.
        public static let data = Kind(name: "data", exitCode: 2)
        /// The run completed but the answer is negative (checks failed, verification mismatch): exit 1.
        public static let checkFailed = Kind(name: "check failed", exitCode: 1)
        /// A temporary failure worth retrying (lock held, upstream unavailable): exit 75.
        public static let temporary = Kind(name: "temporary", exitCode: 75)
        /// A bug or an impossible state: exit 2.
        public static let `internal` = Kind(name: "internal", exitCode: 2)
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation?
    public var hint: String?
    /// Further problems of the same error, each a whole line (`file:line:column: message`): a
    /// pipeline definition is refused with all of its problems listed.
    public var details: [String] = []

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.hint = hint
    }

    /// The exit code the CLI uses for this error.
    public var exitCode: Int32 { kind.exitCode }

    /// `location: message`, without the tool name or hint.
    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }

    /// An error for a failed system call, with the text of `errno`.
    public static func system(_ what: String, path: String?, errno code: Int32) -> PaddockError {
        let text = String(cString: strerror(code))
        let loc = path.map { SourceLocation(file: $0) }
        return PaddockError(.io, "\(what): \(text)", at: loc)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
