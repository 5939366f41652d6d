public import PaddockCore
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP GET as the fetch policy asks for it.
public struct FetchRequest: Sendable {
    public var url: String
    public var headers: [(String, String)]
    /// Seconds for the whole exchange (connect, headers and body).
    public var timeout: Double
    /// Bodies longer than this fail the request (not retried).
    public var maxBytes: Int

    public init(url: String, headers: [(String, String)] = [], timeout: Double = 30, maxBytes: Int = 64 << 20) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.maxBytes = maxBytes
    }
}

/// A complete HTTP response: the status, the headers (names lowercased) and the whole body.
public struct FetchResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
        self.body = body
    }

    public func header(_ name: String) -> String? {
        let n = name.lowercased()
        return headers.first { $0.0 == n }?.1
    }
}

/// What can go wrong on the wire, as the transport reports it.
public enum TransportFailure: Error, Sendable, Equatable {
    /// Connection refused or reset, DNS failure, a body cut short: worth retrying.
    case connection(String)
    /// No complete answer within the timeout: worth retrying.
    case timeout
    /// The body is larger than the limit: not retried.
    case tooLarge(Int)
    /// A request that cannot be made (bad URL): not retried.
    case invalid(String)
}

/// Sends one GET and returns the whole response. The libcurl transport lives in PaddockCurl;
/// tests can supply their own.
public protocol HTTPTransport: AnyObject {
    func get(_ request: FetchRequest) -> Result<FetchResponse, TransportFailure>
}

/// Sleeping and reading time, replaceable in tests.
public protocol FetchClock: AnyObject {
    /// Seconds on a monotonic clock.
    func now() -> Double
    func sleep(_ seconds: Double)
}

public final class SystemClock: FetchClock {
    public init() {}
    public func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    public func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var rest = timespec()
        while nanosleep(&ts, &rest) != 0 && errno == EINTR { ts = rest }
    }
}

/// Spaces request starts at least `1 / rate` seconds apart (a rate of 0 means no limit).
public final class RateLimiter {
    let interval: Double
    private var next: Double = -.infinity
    private let clock: any FetchClock

    public init(requestsPerSecond: Double, clock: any FetchClock) {
        interval = requestsPerSecond > 0 ? 1 / requestsPerSecond : 0
        self.clock = clock
    }

    /// Waits until the next request may start, and books its slot.
    public func acquire() {
        guard interval > 0 else { return }
        let t = clock.now()
        if t < next { clock.sleep(next - t) }
        next = max(t, next) + interval
    }
}

/// Opens (and stays open for the rest of the run) after `consecutive` failed requests in a row, or
/// when more than `failureRate` of the last `window` requests failed (once `window` have been made).
public final class CircuitBreaker {
    public let consecutive: Int
    public let window: Int
    public let failureRate: Double
    private var run = 0
    private var recent: [Bool] = []
    public private(set) var openReason: String?

    public init(consecutive: Int = 5, window: Int = 20, failureRate: Double = 0.5) {
        self.consecutive = max(1, consecutive)
        self.window = max(1, window)
        self.failureRate = failureRate
    }

    public var isOpen: Bool { openReason != nil }

    public func record(success: Bool) {
        run = success ? 0 : run + 1
        recent.append(!success)
        if recent.count > window { recent.removeFirst(recent.count - window) }
        guard openReason == nil else { return }
        if run >= consecutive {
            openReason = "\(run) consecutive failed requests"
        } else if recent.count == window {
            let failed = recent.filter { $0 }.count
            if Double(failed) / Double(window) > failureRate {
                openReason = "\(failed) of the last \(window) requests failed"
            }
        }
    }
}

/// Retries with exponential backoff and full jitter, honouring Retry-After.
public struct RetryPolicy: Sendable {
    /// Attempts per unit, the first included.
    public var tries: Int = 5
    /// The first backoff, in seconds; each retry doubles it, up to `maxBackoff`.
    public var backoff: Double = 1
    public var maxBackoff: Double = 60
    /// A Retry-After longer than this fails the unit at once (worth retrying later) instead of waiting.
    public var maxRetryAfter: Double = 300

    public init() {}

    /// The wait before attempt `attempt + 1` (attempt counts from 1), with `jitter` in [0, 1).
    public func delay(afterAttempt attempt: Int, jitter: Double) -> Double {
        let cap = min(maxBackoff, backoff * Double(1 << min(attempt - 1, 30)))
        return cap * (0.5 + 0.5 * jitter)
    }

    /// Seconds from a Retry-After value: delta-seconds or an HTTP date (IMF-fixdate), against `nowEpoch`.
    public static func retryAfter(_ value: String, nowEpoch: Double) -> Double? {
        let v = value.trimmingWhitespace()
        if let s = Double(v), s >= 0 { return s }
        if let t = HTTPDate.parse(v) { return max(0, Double(t) - nowEpoch) }
        return nil
    }
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form of Last-Modified and Retry-After dates.
public enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]

    public static func parse(_ s: String) -> Int? {
        let parts = s.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]), let m = months.firstIndex(of: String(parts[2])),
              let y = Int(parts[3]) else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        guard CivilCalendar.isRealDay(y, m + 1, day) else { return nil }
        let days = CivilCalendar.days(y, m + 1, day)
        return days * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
    }

    public static func format(_ epoch: Int) -> String {
        let days = Int((Double(epoch) / 86400).rounded(.down))
        let (year, month, day) = CivilCalendar.date(days: days)
        let s = epoch - days * 86400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let wd = days % 7 < 0 ? days % 7 + 7 : days % 7
        return "\(Self.days[wd]), \(two(day)) \(months[month - 1]) \(year) \(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60)) GMT"
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

/// How one unit's fetch ended.
public enum FetchOutcome: Sendable {
    /// A 2xx body that passed validation.
    case body(FetchResponse, attempts: Int)
    /// 304 Not Modified to a conditional request.
    case notModified(attempts: Int)
    /// Failed: the error says whether it is worth retrying later (kind .temporary) or not.
    case failed(PaddockError, attempts: Int)
}

/// Fetches one URL under a source's policy: rate limit, retries with backoff, Retry-After, the circuit
/// breaker, and body validation before anything is stored.
public final class Fetcher {
    public let transport: any HTTPTransport
    public let limiter: RateLimiter
    public let breaker: CircuitBreaker
    public var policy: RetryPolicy
    let clock: any FetchClock
    private var rng: UInt64 = 0x9E3779B97F4A7C15
    /// Every request made (for the summary and tests).
    public private(set) var requests = 0
    /// Called before each wait, with the reason (`429`, `503`, `connection refused`...) and the seconds.
    public var onRetry: ((String, Double) -> Void)?

    public init(transport: any HTTPTransport, policy: RetryPolicy, limiter: RateLimiter, breaker: CircuitBreaker, clock: any FetchClock) {
        self.transport = transport
        self.policy = policy
        self.limiter = limiter
        self.breaker = breaker
        self.clock = clock
    }

    private func jitter() -> Double {
        rng &+= 0x9E3779B97F4A7C15
        var z = rng
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }

    /// Fetches `request`, retrying what is worth retrying; `validate` checks a 2xx body (complete,
    /// parseable, contract keys) and returns nil when it is good, or the reason and whether a retry may help.
    public func fetch(_ request: FetchRequest, where location: SourceLocation,
                      validate: ([UInt8]) -> (reason: String, retry: Bool)?) -> FetchOutcome {
        var attempt = 0
        var lastProblem = ""
        while attempt < policy.tries {
            if let reason = breaker.openReason {
                return .failed(PaddockError(.temporary, "not requested: the circuit breaker is open (\(reason))", at: location), attempts: attempt)
            }
            attempt += 1
            limiter.acquire()
            requests += 1
            var wait: Double? = nil
            switch transport.get(request) {
            case .failure(let f):
                breaker.record(success: false)
                switch f {
                case .connection(let why): lastProblem = why
                case .timeout: lastProblem = "no answer within \(Self.seconds(request.timeout))"
                case .tooLarge(let n):
                    return .failed(PaddockError(.data, "response larger than the limit of \(n) bytes", at: location,
                                                hint: "raise the source's maxBytes if this is expected"), attempts: attempt)
                case .invalid(let why):
                    return .failed(PaddockError(.config, "cannot make the request: \(why)", at: location), attempts: attempt)
                }
            case .success(let r):
                switch r.status {
                case 200..<300:
                    if let problem = validate(r.body) {
                        // A broken contract is an answer, not an outage: the breaker is for outages.
                        breaker.record(success: !problem.retry)
                        lastProblem = problem.reason
                        if !problem.retry {
                            return .failed(PaddockError(.data, problem.reason, at: location, hint: "see docs/api_contract.md"), attempts: attempt)
                        }
                    } else {
                        breaker.record(success: true)
                        return .body(r, attempts: attempt)
                    }
                case 304:
                    breaker.record(success: true)
                    return .notModified(attempts: attempt)
                case 429, 500..<600, 408:
                    breaker.record(success: false)
                    lastProblem = "HTTP \(r.status)"
                    if let ra = r.header("retry-after"), let s = RetryPolicy.retryAfter(ra, nowEpoch: Double(time(nil))) {
                        if s > policy.maxRetryAfter {
                            return .failed(PaddockError(.temporary, "HTTP \(r.status) with Retry-After \(Self.seconds(s)), longer than the \(Self.seconds(policy.maxRetryAfter)) allowed",
                                                        at: location, hint: "run extract again later"), attempts: attempt)
                        }
                        wait = s
                        lastProblem += " (Retry-After \(Self.seconds(s)))"
                    }
                default:
                    // Other 4xx: the request itself is wrong (or gone); retrying will not help.
                    breaker.record(success: true)
                    let hint = r.status == 401 || r.status == 403 ? "check the source's credentials"
                        : (300..<400).contains(r.status) ? "redirects are not followed (credentials could go to another host); point baseURL at the final location"
                        : nil
                    return .failed(PaddockError(.data, "HTTP \(r.status)", at: location, hint: hint), attempts: attempt)
                }
            }
            guard attempt < policy.tries else { break }
            if breaker.isOpen { break }
            let delay = wait ?? policy.delay(afterAttempt: attempt, jitter: jitter())
            onRetry?(lastProblem, delay)
            clock.sleep(delay)
        }
        if let reason = breaker.openReason {
            return .failed(PaddockError(.temporary, "\(lastProblem); the circuit breaker opened (\(reason))", at: location), attempts: attempt)
        }
        return .failed(PaddockError(.temporary, "\(lastProblem) (gave up after \(attempt) \(attempt == 1 ? "try" : "tries"))", at: location,
                                    hint: "run extract again to retry the units that failed"), attempts: attempt)
    }

    public static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(Double(Int(s * 100)) / 100) s"
    }
}

extension HTTPSourceConfig {
    /// The retry policy this source declares.
    public var retryPolicy: RetryPolicy {
        var p = RetryPolicy()
        p.tries = max(1, tries)
        p.backoff = backoff
        p.maxBackoff = maxBackoff
        p.maxRetryAfter = maxRetryAfter
        return p
    }
}
