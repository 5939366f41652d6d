// Money: prize money and similar amounts with an optional currency.

/// An amount of money and its ISO 4217 currency code, when one was written.
public struct Money: Sendable, Hashable {
    /// The amount, never negative.
    public var amount: Double
    /// `GBP`, `EUR`, `USD`, … (upper case), or nil when the text had no currency.
    public var currency: String?

    public init(amount: Double, currency: String? = nil) {
        self.amount = amount
        self.currency = currency
    }

    /// The amount with exactly 2 decimals and no grouping: `3105.75`, `1234.00`.
    public var amountText: String { ValueParsers.fixedText(amount, places: 2, trimZeros: false) }
}

extension ValueParsers {
    /// Parses an amount of money with an optional currency.
    ///
    /// Accepts `£3,105.75` (3105.75 GBP), `€7,080.00` (EUR), `$1,000` (USD), `£1,234`, `3105.75`
    /// (no currency), `GBP 3,105.75`, `GBP3105.75`, `3,105.75 GBP`, `7080 €`. The currency is a
    /// symbol (`£` GBP, `€` EUR, `$` USD) or any three letters (upper-cased, not checked against
    /// ISO 4217), before or after the number, once.
    ///
    /// The comma is always a thousands separator and the dot the decimal point: grouping must be
    /// regular (1 to 3 digits, then groups of exactly 3), so `£3,10.5` and `1,2345` are nil rather
    /// than guessed at, and so is European `7.080,00`. Negative amounts, a lone currency and more
    /// than 15 significant digits are nil too.
    public static func money(_ s: some StringProtocol) -> Money? {
        withBytes(s) { money(bytes: $0) }
    }

    /// ``money(_:)`` over the UTF-8 bytes of a value.
    public static func money(bytes b: UnsafeBufferPointer<UInt8>) -> Money? {
        var sc = Scanner(b)
        var currency = scanCurrency(&sc)
        sc.skipBlanks()
        guard let amount = scanGroupedDecimal(&sc) else { return nil }
        sc.skipBlanks()
        if !sc.isAtEnd {
            guard currency == nil, let c = scanCurrency(&sc), sc.isAtEnd else { return nil }
            currency = c
        }
        return Money(amount: amount.double, currency: currency)
    }

    /// Reads a currency symbol or a three-letter code.
    static func scanCurrency(_ sc: inout Scanner) -> String? {
        switch sc.peek() {
        case UInt8(ascii: "$"):
            sc.i += 1
            return "USD"
        case 0xC2 where sc.peek(1) == 0xA3:
            sc.i += 2
            return "GBP"
        case 0xE2 where sc.peek(1) == 0x82 && sc.peek(2) == 0xAC:
            sc.i += 3
            return "EUR"
        default:
            guard sc.letterCount() == 3 else { return nil }
            let code = String(unsafeUninitializedCapacity: 3) { p in
                for k in 0..<3 { p[k] = sc.peek(k) & ~0x20 }
                return 3
            }
            sc.i += 3
            return code
        }
    }

    /// Reads `1234.5`, `1,234.5` or `.5` with regular thousands grouping.
    static func scanGroupedDecimal(_ sc: inout Scanner) -> DecimalText? {
        var d = DecimalText(mantissa: 0, scale: 0)
        var significant = 0
        var groupDigits = 0  // digits in the current group
        var grouped = false
        var intDigits = 0
        func add(_ c: UInt8) -> Bool {
            let v = Int(c - 0x30)
            if d.mantissa != 0 || v != 0 { significant += 1 }
            guard significant <= 15 else { return false }
            d.mantissa = d.mantissa * 10 + v
            return true
        }
        while true {
            let c = sc.peek()
            if Scanner.isDigit(c) {
                guard add(c) else { return nil }
                groupDigits += 1
                intDigits += 1
                guard grouped ? groupDigits <= 3 : true else { return nil }
                sc.i += 1
            } else if c == UInt8(ascii: ","), Scanner.isDigit(sc.peek(1)) {
                guard groupDigits >= 1, grouped ? groupDigits == 3 : groupDigits <= 3 else { return nil }
                grouped = true
                groupDigits = 0
                sc.i += 1
            } else {
                break
            }
        }
        if grouped && groupDigits != 3 { return nil }
        if sc.peek() == UInt8(ascii: "."), Scanner.isDigit(sc.peek(1)) {
            sc.i += 1
            while Scanner.isDigit(sc.peek()) {
                guard add(sc.peek()), d.scale < 15 else { return nil }
                d.scale += 1
                sc.i += 1
            }
        }
        return intDigits > 0 || d.scale > 0 ? d : nil
    }
}

// MARK: - Field parser

extension ValueParsers {
    /// `parser: money` (see `FieldParsers`).
    static let moneyEntry = ParserEntry(
        name: "money", summary: "£3,105.75, €7,080.00, GBP 3,105.75 -> the amount with 2 decimals, or the currency code",
        parts: ["amount", "currency"]) { _, part in .money(currency: part == 1) }

    static func runMoney<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, currency: Bool, _ out: inout W) -> Bool {
        guard let m = money(bytes: b) else { return false }
        if currency {
            if let c = m.currency { out.appendString(c) }
        } else {
            appendFixed(m.amount, places: 2, trimZeros: false, to: &out)
        }
        return true
    }
}
