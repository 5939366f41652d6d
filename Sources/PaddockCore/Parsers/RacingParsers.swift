// Horse racing values: odds, race distances, weights, finishing times, beaten distances, positions.

// MARK: - Result types

/// A favourite marker written after a starting price (`2/1F`, `11/10JF`, `7/2CF`).
public enum FavouriteMarker: String, Sendable, Hashable, CaseIterable {
    /// `F`: the favourite.
    case favourite = "F"
    /// `JF` (or `J`): one of two or more joint favourites.
    case jointFavourite = "JF"
    /// `CF` (or `C`): a co-favourite (joint favourite with the stable's other runner).
    case coFavourite = "CF"
}

/// A price as decimal odds (the total return per unit stake) and its favourite marker.
public struct Odds: Sendable, Hashable {
    /// Decimal odds, always greater than 1 (`5/2` is 3.5, evens is 2.0), at full precision.
    public var decimal: Double
    public var favourite: FavouriteMarker?

    public init(decimal: Double, favourite: FavouriteMarker? = nil) {
        self.decimal = decimal
        self.favourite = favourite
    }

    /// The decimal odds with at most 4 decimals and no trailing zeros: `3.5`, `2`, `4.3333`.
    public var decimalText: String { ValueParsers.fixedText(decimal, places: 4, trimZeros: true) }
}

/// A race distance. 1 mile = 8 furlongs = 1760 yards; 1 furlong = 220 yards; 1 yard = 0.9144 m.
public struct Distance: Sendable, Hashable {
    /// The distance in whole yards (half a furlong is 110 yards).
    public var yards: Int

    public init(yards: Int) { self.yards = yards }

    /// The distance in metres (exact yards × 0.9144, correctly rounded).
    public var metres: Double { Double(yards * 9144) / 10000 }
    /// The distance in furlongs.
    public var furlongs: Double { Double(yards) / 220 }
    /// The distance as Racing Post writes it, with whole units: `1m2f110y`, `5f`, `2m`.
    public var text: String {
        let miles = yards / 1760, furlongs = yards % 1760 / 220, rest = yards % 220
        var t = ""
        if miles > 0 { t += "\(miles)m" }
        if furlongs > 0 { t += "\(furlongs)f" }
        if rest > 0 || t.isEmpty { t += "\(rest)y" }
        return t
    }
}

/// What happened to a runner.
public enum PositionStatus: String, Sendable, Hashable, CaseIterable {
    case finished, pulledUp, fell, unseatedRider, broughtDown, ranOut, slippedUp, disqualified,
         refused, refusedToRace, void, carriedOut, leftAtStart, nonRunner

    /// The usual abbreviation (`PU`, `UR`, …); nil for `finished`, which is shown by its place.
    public var code: String? {
        switch self {
        case .finished: return nil
        case .pulledUp: return "PU"
        case .fell: return "F"
        case .unseatedRider: return "UR"
        case .broughtDown: return "BD"
        case .ranOut: return "RO"
        case .slippedUp: return "SU"
        case .disqualified: return "DSQ"
        case .refused: return "REF"
        case .refusedToRace: return "RR"
        case .void: return "VOID"
        case .carriedOut: return "CO"
        case .leftAtStart: return "LFT"
        case .nonRunner: return "NR"
        }
    }
}

/// A finishing position: a place for finishers, a status for the others.
public struct Position: Sendable, Hashable {
    /// The place, 1 or more, for finishers; nil otherwise.
    public var place: Int?
    public var status: PositionStatus
    /// Whether the place was a dead heat (`1=`, `=1`, `DH1`).
    public var deadHeat: Bool

    public init(place: Int?, status: PositionStatus, deadHeat: Bool = false) {
        self.place = place
        self.status = status
        self.deadHeat = deadHeat
    }

    /// `1`, `1=` for a dead heat, or the status code (`PU`).
    public var text: String {
        if let place { return deadHeat ? "\(place)=" : String(place) }
        return status.code ?? ""
    }
}

// MARK: - Parsers

extension ValueParsers {
    /// Parses a price, fractional or decimal, with an optional favourite marker, into decimal odds.
    ///
    /// Accepts `5/2` (3.5), `100/30` (4.333…), `1/1`, `Evs`, `Evens`, `Even`, `evn` (2.0), and
    /// decimals such as `3.5` or `3` (read as decimal odds, not as `3/1`). A favourite marker may
    /// follow, attached or after a blank, any case: `F`, `Fav` (favourite), `JF`, `J`, `JFav`,
    /// `Jt` (joint), `CF`, `C`, `CFav`, `Co` (co-favourite): `2/1F`, `11/10JF`, `EvensF`, `5/2J`.
    ///
    /// Rejected: `x/0`, `0/x` (decimal 1.0 pays back only the stake: not a real price), decimals
    /// of 1 or less, decimal fractions (`5.5/1`), numerators or denominators over 9 digits, `N-D` dash fractions, `SP`, `-`, empty.
    public static func odds(_ s: some StringProtocol) -> Odds? {
        withBytes(s) { odds(bytes: $0) }
    }

    /// ``odds(_:)`` over the UTF-8 bytes of a value.
    public static func odds(bytes b: UnsafeBufferPointer<UInt8>) -> Odds? {
        var sc = Scanner(b)
        let decimal: Double
        if Scanner.isLetter(sc.peek()) {
            guard sc.skipPrefix("evens") || sc.skipPrefix("even") || sc.skipPrefix("evs") || sc.skipPrefix("evn") else { return nil }
            decimal = 2
        } else {
            guard let n = sc.decimal(leadingDot: false) else { return nil }
            if sc.skip(UInt8(ascii: "/")) {
                guard n.scale == 0, n.mantissa > 0, n.mantissa < 1_000_000_000, let d = sc.digits(max: 9), d > 0, !Scanner.isDigit(sc.peek()) else { return nil }
                decimal = Double(n.mantissa + d) / Double(d)
            } else {
                decimal = n.double
                guard decimal > 1 else { return nil }
            }
        }
        sc.skipBlanks()
        var favourite: FavouriteMarker?
        if !sc.isAtEnd {
            guard let m = favouriteMarker(sc) else { return nil }
            favourite = m
        }
        return Odds(decimal: decimal, favourite: favourite)
    }

    /// The favourite marker spelt by the rest of the value.
    static func favouriteMarker(_ sc: Scanner) -> FavouriteMarker? {
        if sc.restSpells("f") || sc.restSpells("fav") || sc.restSpells("favourite") || sc.restSpells("favorite") { return .favourite }
        if sc.restSpells("jf") || sc.restSpells("j") || sc.restSpells("jfav") || sc.restSpells("jt") || sc.restSpells("jtfav") { return .jointFavourite }
        if sc.restSpells("cf") || sc.restSpells("c") || sc.restSpells("cfav") || sc.restSpells("co") || sc.restSpells("cofav") { return .coFavourite }
        return nil
    }

    /// Parses a race distance in miles, furlongs and yards.
    ///
    /// Accepts `5f`, `1m`, `2m4f`, `1m2f110y`, `7f213y`, `2m3f110yds` (Racing Post full distance,
    /// also in brackets: `(2m3f110yds)`), blanks between parts (`1m 2f`), half furlongs (`6½f`,
    /// `2m4½f`: ½ furlong = 110 yards), quarter miles (`1¼m`, `1½m`, `1¾m`), and the units
    /// `m`/`mi`/`mile(s)`, `f`/`fur`/`furlong(s)`, `y`/`yd(s)`/`yard(s)`, any case. Units must
    /// come in that order, once each; with a larger unit, furlongs must be below 8 and yards below
    /// 220. `m` always means miles, never metres: whole miles must be below 10, so metric distances
    /// such as `1600m` are nil rather than 1600 miles. The distance must be positive.
    public static func distance(_ s: some StringProtocol) -> Distance? {
        withBytes(s) { distance(bytes: $0) }
    }

    /// ``distance(_:)`` over the UTF-8 bytes of a value.
    public static func distance(bytes b: UnsafeBufferPointer<UInt8>) -> Distance? {
        var sc = Scanner(b)
        sc.dropEnclosingBrackets()
        guard !sc.isAtEnd else { return nil }
        var yards = 0
        var lastUnit = 0  // 1 miles, 2 furlongs, 3 yards
        while true {
            sc.skipBlanks()
            if sc.isAtEnd { break }
            let whole = sc.digits(max: 4)
            let quarters = sc.quarters()
            guard whole != nil || quarters != nil else { return nil }
            sc.skipBlanks()
            let n = sc.letterCount()
            let unit: Int
            if sc.letters(n, equal: "m") || sc.letters(n, equal: "mi") || sc.letters(n, equal: "mile") || sc.letters(n, equal: "miles") {
                unit = 1
            } else if sc.letters(n, equal: "f") || sc.letters(n, equal: "fur") || sc.letters(n, equal: "furlong") || sc.letters(n, equal: "furlongs") {
                unit = 2
            } else if sc.letters(n, equal: "y") || sc.letters(n, equal: "yd") || sc.letters(n, equal: "yds") || sc.letters(n, equal: "yard") || sc.letters(n, equal: "yards") {
                unit = 3
            } else {
                return nil
            }
            guard unit > lastUnit else { return nil }
            sc.i += n
            let w = whole ?? 0
            switch unit {
            case 1:
                guard w < 10 else { return nil }
                yards += w * 1760 + (quarters ?? 0) * 440
            case 2:
                guard quarters == nil || quarters == 2, lastUnit == 0 || w < 8 else { return nil }
                yards += w * 220 + (quarters == 2 ? 110 : 0)
            default:
                guard quarters == nil, lastUnit == 0 || w < 220 else { return nil }
                yards += w
            }
            lastUnit = unit
        }
        return yards > 0 ? Distance(yards: yards) : nil
    }

    /// Parses a carried weight into pounds.
    ///
    /// Accepts stones-pounds `9-7` (133; also with an en dash or blanks around the dash), `9st 7lb`,
    /// `9st7lbs`, `10st` (140), and plain pounds `133`, `133lb`, `133 lbs`. Pounds after stones
    /// must be 0 to 13 and stones at least 1; the total must be positive. Overweight and
    /// allowance notes (`9-7 ow3`) are rejected: split them off first.
    public static func weight(_ s: some StringProtocol) -> Int? {
        withBytes(s) { weight(bytes: $0) }
    }

    /// ``weight(_:)`` over the UTF-8 bytes of a value.
    public static func weight(bytes b: UnsafeBufferPointer<UInt8>) -> Int? {
        var sc = Scanner(b)
        guard let first = sc.digits(max: 3), !Scanner.isDigit(sc.peek()) else { return nil }
        sc.skipBlanks()
        if sc.isAtEnd { return first > 0 ? first : nil }
        let n = sc.letterCount()
        if sc.letters(n, equal: "lb") || sc.letters(n, equal: "lbs") {
            sc.i += n
            return sc.isAtEnd && first > 0 ? first : nil
        }
        let stones = first
        guard stones >= 1, stones <= 99 else { return nil }
        if sc.skipDash() {
            sc.skipBlanks()
            guard let pounds = sc.digits(max: 2), pounds < 14, sc.isAtEnd else { return nil }
            return stones * 14 + pounds
        }
        guard sc.letters(n, equal: "st") || sc.letters(n, equal: "stone") || sc.letters(n, equal: "stones") else { return nil }
        sc.i += n
        sc.skipBlanks()
        if sc.isAtEnd { return stones * 14 }
        guard let pounds = sc.digits(max: 2), pounds < 14 else { return nil }
        sc.skipBlanks()
        let m = sc.letterCount()
        if sc.letters(m, equal: "lb") || sc.letters(m, equal: "lbs") { sc.i += m }
        return sc.isAtEnd ? stones * 14 + pounds : nil
    }

    /// Parses a finishing time into seconds.
    ///
    /// Accepts `1:12.45` (72.45), `4:05.30`, `1:0.22` and `1:5.30` (one-digit seconds, as
    /// rpscrape writes them), `1m 12.45s`, `1m12.45s`, `1min 12.45sec`, and plain seconds `72.45`,
    /// `72.45s`. Seconds after minutes must be below 60. Rejects negative and zero times (Racing
    /// Post shows `0.00s` for races without a time) and `-`. The value is the nearest Double to the
    /// decimal written: `1:12.45` gives exactly the Double `72.45`.
    public static func raceTime(_ s: some StringProtocol) -> Double? {
        withBytes(s) { raceTime(bytes: $0) }
    }

    /// ``raceTime(_:)`` over the UTF-8 bytes of a value.
    public static func raceTime(bytes b: UnsafeBufferPointer<UInt8>) -> Double? {
        var sc = Scanner(b)
        guard let first = sc.decimal(leadingDot: false) else { return nil }
        var minutes = 0
        var seconds = first
        if first.scale == 0 && (sc.peek() == UInt8(ascii: ":") || Scanner.isLetter(sc.peek()) || Scanner.isBlank(sc.peek())) {
            var probe = sc
            probe.skipBlanks()
            let n = probe.letterCount()
            let colon = probe.peek() == UInt8(ascii: ":")
            if colon || probe.letters(n, equal: "m") || probe.letters(n, equal: "min") || probe.letters(n, equal: "mins") {
                // `M:SS.ff` or `Mm SS.ffs`.
                guard first.mantissa <= 999 else { return nil }
                probe.i += colon ? 1 : n
                if !colon { probe.skipBlanks() }
                let start = probe.i
                guard probe.digits(max: 2) != nil, !Scanner.isDigit(probe.peek()) else { return nil }
                probe.i = start
                guard let sec = probe.decimal(leadingDot: false), sec.double < 60 else { return nil }
                minutes = first.mantissa
                seconds = sec
                sc = probe
            }
        }
        sc.skipBlanks()
        let n = sc.letterCount()
        if sc.letters(n, equal: "s") || sc.letters(n, equal: "sec") || sc.letters(n, equal: "secs") { sc.i += n }
        guard sc.isAtEnd else { return nil }
        let scale = powersOfTen[seconds.scale]
        let total = (Double(minutes * 60) * scale + Double(seconds.mantissa)) / scale
        return total > 0 ? total : nil
    }

    /// Parses a beaten distance into lengths.
    ///
    /// Numbers: `3`, `1.5`, `.5`, `1½`, `¾`, `¼`, `2¼`, `1 1/2`, `1/2`, optionally followed by
    /// `l`, `L`, `len`, `length(s)`, and optionally in brackets (`[1½]`, Racing Post's overall
    /// distance). Words, any case, ignoring `.`, `-` and blanks:
    ///
    /// | lengths | written |
    /// |---|---|
    /// | 0    | `dht`, `dh`, `dead heat` |
    /// | 0.05 | `nse`, `nose` |
    /// | 0.1  | `shd`, `sh`, `s.h`, `sht-hd`, `short head` |
    /// | 0.2  | `hd`, `head` |
    /// | 0.25 | `snk`, `sht-nk`, `short neck` (rpscrape uses 0.2) |
    /// | 0.3  | `nk`, `neck` |
    /// | 30   | `dist`, `dis`, `distance` (more than 30 lengths) |
    ///
    /// Empty, `-` and negative values are nil.
    public static func beatenDistance(_ s: some StringProtocol) -> Double? {
        withBytes(s) { beatenDistance(bytes: $0) }
    }

    /// ``beatenDistance(_:)`` over the UTF-8 bytes of a value.
    public static func beatenDistance(bytes b: UnsafeBufferPointer<UInt8>) -> Double? {
        var sc = Scanner(b)
        sc.dropEnclosingBrackets()
        guard !sc.isAtEnd else { return nil }
        if Scanner.isLetter(sc.peek()) { return beatenDistanceWord(sc) }
        var value: Double
        let start = sc.i
        if let d = sc.decimal(), d.scale > 0 {
            value = d.double
        } else {
            sc.i = start
            let whole = sc.digits(max: 4)
            if let q = sc.quarters() {
                value = Double(whole ?? 0) + Double(q) / 4
            } else if let w = whole {
                value = Double(w)
                if sc.skip(UInt8(ascii: "/")) {
                    guard let d = sc.digits(max: 2), d > 0 else { return nil }
                    value = Double(w) / Double(d)
                } else {
                    var probe = sc
                    if probe.skipBlanks(), let n = probe.digits(max: 2), probe.skip(UInt8(ascii: "/")),
                       let d = probe.digits(max: 2), d > 0, n < d {
                        value = Double(w * d + n) / Double(d)
                        sc = probe
                    }
                }
            } else {
                return nil
            }
        }
        guard !Scanner.isDigit(sc.peek()) else { return nil }
        sc.skipBlanks()
        if !sc.isAtEnd {
            guard sc.restSpells("l") || sc.restSpells("len") || sc.restSpells("lens") || sc.restSpells("length") || sc.restSpells("lengths") else { return nil }
        }
        return value
    }

    static func beatenDistanceWord(_ sc: Scanner) -> Double? {
        if sc.restSpells("nk") || sc.restSpells("neck") { return 0.3 }
        if sc.restSpells("hd") || sc.restSpells("head") { return 0.2 }
        if sc.restSpells("shd") || sc.restSpells("sh") || sc.restSpells("shthd") || sc.restSpells("shorthead") { return 0.1 }
        if sc.restSpells("snk") || sc.restSpells("shtnk") || sc.restSpells("shortneck") { return 0.25 }
        if sc.restSpells("nse") || sc.restSpells("nose") { return 0.05 }
        if sc.restSpells("dht") || sc.restSpells("dh") || sc.restSpells("deadheat") { return 0 }
        if sc.restSpells("dist") || sc.restSpells("dis") || sc.restSpells("distance") { return 30 }
        return nil
    }

    /// Parses a finishing position or a non-completion code.
    ///
    /// Places: `1`, `12`, ordinals `1st`, `2nd`, `3rd`, `11th` (suffix checked); dead heats,
    /// one marker each: `1=`, `=1`, `DH1`, `DH 1`, `1DH`, `1 dh`. Codes (any case, ignoring `.`,
    /// `-` and blanks, also spelt out): `PU` pulled up, `F` fell, `UR` unseated rider, `BD`
    /// brought down, `RO` ran out, `SU` slipped up, `DSQ`/`DQ`/`DISQ` disqualified (no place),
    /// `REF` refused, `RR`/`RTR` refused to race, `VOID`/`VOI` void race, `CO` carried out, `LFT`
    /// left at start, `NR` non-runner. Anything else (`PPD`, `0`, `-`) is nil.
    public static func position(_ s: some StringProtocol) -> Position? {
        withBytes(s) { position(bytes: $0) }
    }

    /// ``position(_:)`` over the UTF-8 bytes of a value.
    public static func position(bytes b: UnsafeBufferPointer<UInt8>) -> Position? {
        var sc = Scanner(b)
        guard !sc.isAtEnd else { return nil }
        var deadHeat = false
        if sc.skip(UInt8(ascii: "=")) {
            deadHeat = true
        } else if sc.letters(2, equal: "dh"), Scanner.isDigit(sc.peek(2)) || Scanner.isBlank(sc.peek(2)) {
            sc.i += 2
            sc.skipBlanks()
            deadHeat = true
        }
        guard Scanner.isDigit(sc.peek()) else {
            return deadHeat ? nil : positionCode(sc).map { Position(place: nil, status: $0) }
        }
        guard let place = sc.digits(max: 3), place >= 1, !Scanner.isDigit(sc.peek()) else { return nil }
        if sc.letterCount() == 2 && sc.letters(2, equal: ordinalSuffix(place)) { sc.i += 2 }
        sc.skipBlanks()
        if !sc.isAtEnd {
            guard !deadHeat, sc.skip(UInt8(ascii: "=")) || sc.skipPrefix("dh"), sc.isAtEnd else { return nil }
            deadHeat = true
        }
        return Position(place: place, status: .finished, deadHeat: deadHeat)
    }

    static func ordinalSuffix(_ n: Int) -> StaticString {
        if (11...13).contains(n % 100) { return "th" }
        switch n % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }

    static let positionCodes: [(StaticString, PositionStatus)] = [
        ("pu", .pulledUp), ("f", .fell), ("ur", .unseatedRider), ("bd", .broughtDown), ("ro", .ranOut),
        ("su", .slippedUp), ("dsq", .disqualified), ("dq", .disqualified), ("disq", .disqualified),
        ("ref", .refused), ("rr", .refusedToRace), ("rtr", .refusedToRace), ("void", .void), ("voi", .void),
        ("co", .carriedOut), ("lft", .leftAtStart), ("nr", .nonRunner),
        ("pulledup", .pulledUp), ("fell", .fell), ("unseatedrider", .unseatedRider), ("unseated", .unseatedRider),
        ("broughtdown", .broughtDown), ("ranout", .ranOut), ("slippedup", .slippedUp),
        ("disqualified", .disqualified), ("refused", .refused), ("refusedtorace", .refusedToRace),
        ("carriedout", .carriedOut), ("leftatstart", .leftAtStart), ("nonrunner", .nonRunner),
    ]

    static func positionCode(_ sc: Scanner) -> PositionStatus? {
        for (word, status) in positionCodes where sc.restSpells(word) { return status }
        return nil
    }
}

// MARK: - Field parsers

/// The unit a `distance` parser gives (its `part`).
public enum DistanceUnit: Sendable {
    case yards, metres, furlongs
}

/// What a `position` parser gives (its `part`).
public enum PositionPart: Sendable {
    case place, status, deadHeat
}

extension ValueParsers {
    /// `parser: odds` (see `FieldParsers`).
    static let oddsEntry = ParserEntry(
        name: "odds", summary: "5/2, 2/1F, 11/10JF, Evs, 3.5 -> decimal odds (3.5), or the favourite marker (F, JF, CF)",
        parts: ["decimal", "favourite"]) { _, part in .odds(favourite: part == 1) }

    /// `parser: distance`.
    static let distanceEntry = ParserEntry(
        name: "distance", summary: "1m2f110y, 5f, 2m4½f -> yards, metres or furlongs",
        parts: ["yards", "metres", "furlongs"]) { _, part in .distance([DistanceUnit.yards, .metres, .furlongs][part]) }

    /// `parser: weight`.
    static let weightEntry = ParserEntry(
        name: "weight", summary: "9-7 (stones-pounds), 9st 7lb, 133 -> pounds") { _, _ in .weight }

    /// `parser: race_time`.
    static let raceTimeEntry = ParserEntry(
        name: "race_time", summary: "1:12.45, 1m 12.45s, 72.45 -> seconds") { _, _ in .raceTime }

    /// `parser: beaten_distance`.
    static let beatenDistanceEntry = ParserEntry(
        name: "beaten_distance", summary: "nk, hd, shd, nse, dht, dist, 1½, 1 1/2, .5 -> lengths") { _, _ in .beatenDistance }

    /// `parser: position`.
    static let positionEntry = ParserEntry(
        name: "position", summary: "1, 2nd, 1=, DH1, PU, F, UR, ... -> the place, the status (finished, PU, ...) or dead_heat (true, false)",
        parts: ["place", "status", "dead_heat"]) { _, part in .position([PositionPart.place, .status, .deadHeat][part]) }

    static func runOdds<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, favourite: Bool, _ out: inout W) -> Bool {
        guard let o = odds(bytes: b) else { return false }
        if favourite {
            if let m = o.favourite { out.appendString(m.rawValue) }
        } else {
            appendFixed(o.decimal, places: 4, trimZeros: true, to: &out)
        }
        return true
    }

    static func runDistance<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, _ unit: DistanceUnit, _ out: inout W) -> Bool {
        guard let d = distance(bytes: b) else { return false }
        switch unit {
        case .metres: appendFixed(d.metres, places: 2, trimZeros: true, to: &out)
        case .furlongs: appendFixed(d.furlongs, places: 4, trimZeros: true, to: &out)
        case .yards: appendInt(d.yards, to: &out)
        }
        return true
    }

    static func runWeight<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, _ out: inout W) -> Bool {
        guard let w = weight(bytes: b) else { return false }
        appendInt(w, to: &out)
        return true
    }

    static func runRaceTime<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, _ out: inout W) -> Bool {
        guard let t = raceTime(bytes: b) else { return false }
        appendFixed(t, places: 2, trimZeros: true, to: &out)
        return true
    }

    static func runBeatenDistance<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, _ out: inout W) -> Bool {
        guard let l = beatenDistance(bytes: b) else { return false }
        appendFixed(l, places: 2, trimZeros: true, to: &out)
        return true
    }

    static func runPosition<W: ByteAppending>(_ b: UnsafeBufferPointer<UInt8>, _ part: PositionPart, _ out: inout W) -> Bool {
        guard let pos = position(bytes: b) else { return false }
        switch part {
        case .status: out.appendString(pos.status.code ?? "finished")
        case .deadHeat: out.appendString(pos.deadHeat ? "true" : "false")
        case .place: if let place = pos.place { appendInt(place, to: &out) }
        }
        return true
    }
}
