import PaddockCore

/// Reads a command line against a command's options table.
///
/// `--name value` and `--name=value`; a value that starts with `-` (other than `-` alone) must use the
/// `=` form, so that a forgotten value is not taken from the next option. `--` ends the options; `-` is an
/// argument like any other (stdin, where the command says so). `-h` or `--help` anywhere before `--`
/// asks for the help, whatever else is there.
public enum CommandLineParser {
    /// The command `arguments` describe (without the tool's name), or nil when they ask for `--help`.
    public static func parse<C: Command>(_ type: C.Type, _ arguments: [String]) throws(UsageError) -> C? {
        if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) { return nil }
        let table = OptionSpec.flatten(C.options)
        var command = C()
        var given: [String] = []  // not a Set: its metadata would cost a conformance scan at start-up
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            if arg == "--" {
                for a in rest { try positional(a, into: &command, table) }
                break
            }
            guard arg.hasPrefix("-") && arg != "-" else {
                try positional(arg, into: &command, table)
                continue
            }
            guard arg.hasPrefix("--") else { throw UsageError("Unknown option '\(arg)'") }
            let body = arg.dropFirst(2)
            let equals = body.firstIndex(of: "=")
            let name = equals.map { body[..<$0] } ?? body
            let inline = equals.map { body[body.index(after: $0)...] }
            if name == "help", let inline {
                throw UsageError("The option '--help' does not take any value, but '\(inline)' was specified.")
            }
            guard let spec = table.first(where: { $0.kind != .positional && $0.name == name }) else {
                let names = table.filter { $0.kind != .positional }.map(\.name) + ["help"]
                throw UsageError("Unknown option '--\(name)'" + (Suggest.closest(String(name), among: names).map { ". Did you mean '--\($0)'?" } ?? ""))
            }
            given.append(spec.name)
            if spec.kind == .flag {
                if let inline { throw UsageError("The option '--\(name)' does not take any value, but '\(inline)' was specified.") }
                _ = spec.store(&command, "")
                continue
            }
            var value: String?
            if let inline {
                value = inline.isEmpty ? nil : String(inline)
            } else if let next = rest.first, !(next.hasPrefix("-") && next != "-") {
                value = next
                rest.removeFirst()
            }
            guard let value else { throw UsageError("Missing value for '\(spec.label)'") }
            guard spec.store(&command, value) else {
                var message = "The value '\(value)' is invalid for '\(spec.label)'"
                if let choices = spec.choices { message += ". Please provide one of \(alternatives(choices))." }
                throw UsageError(message)
            }
        }
        for spec in table where spec.isRequired && !given.contains(spec.name) {
            throw UsageError("Missing expected argument '\(spec.label)'")
        }
        try command.validate()
        return command
    }

    static func positional<C>(_ arg: String, into command: inout C, _ table: [OptionSpec<C>]) throws(UsageError) {
        guard let spec = table.first(where: { $0.kind == .positional }) else { throw UsageError("Unexpected argument '\(arg)'") }
        _ = spec.store(&command, arg)
    }

    /// `'a' and 'b'`, `'a', 'b' or 'c'`.
    static func alternatives(_ values: [String]) -> String {
        let quoted = values.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        let last = quoted.count == 2 ? " and " : " or "
        return quoted.dropLast().joined(separator: ", ") + last + quoted[quoted.count - 1]
    }
}
