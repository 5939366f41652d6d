import Foundation
@testable import PaddockCore
@testable import PaddockExtract
import Testing

/// A clock that only moves when slept on, recording each sleep.
final class FakeClock: FetchClock {
    var t = 1000.0
    var sleeps: [Double] = []
    func now() -> Double { t }
    func sleep(_ seconds: Double) {
        sleeps.append(seconds)
        t += max(0, seconds)
    }
}

/// A transport answering from a script, recording the time of each request.
final class ScriptedTransport: HTTPTransport {
    var answers: [Result<FetchResponse, TransportFailure>]
    var times: [Double] = []
    var requests: [FetchRequest] = []
    let clock: FakeClock
    init(_ answers: [Result<FetchResponse, TransportFailure>], clock: FakeClock) {
        self.answers = answers
        self.clock = clock
    }
    func get(_ request: FetchRequest) -> Result<FetchResponse, TransportFailure> {
        times.append(clock.now())
        requests.append(request)
        clock.t += 0.01
        return answers.isEmpty ? .success(ok) : answers.removeFirst()
    }
}

let ok = FetchResponse(status: 200, headers: [("ETag", "\"x\"")], body: Array("{\"a\":1}".utf8))
func status(_ code: Int, _ headers: [(String, String)] = []) -> Result<FetchResponse, TransportFailure> {
    .success(FetchResponse(status: code, headers: headers, body: []))
}

@Suite("Fetch policy: retries, backoff, Retry-After, breaker, rate limit")
struct FetchPolicyTests {
    func fetcher(_ answers: [Result<FetchResponse, TransportFailure>], tries: Int = 5, breaker: CircuitBreaker = CircuitBreaker(consecutive: 50),
                 rate: Double = 0) -> (Fetcher, ScriptedTransport, FakeClock) {
        let clock = FakeClock()
        let t = ScriptedTransport(answers, clock: clock)
        var p = RetryPolicy()
        p.tries = tries
        p.backoff = 1
        p.maxBackoff = 8
        let f = Fetcher(transport: t, policy: p, limiter: RateLimiter(requestsPerSecond: rate, clock: clock), breaker: breaker, clock: clock)
        return (f, t, clock)
    }

    let loc = SourceLocation(file: "u")

    @Test("5xx and connection errors are retried with doubling backoff and jitter; success ends it")
    func backoff() {
        let (f, t, clock) = fetcher([status(500), .failure(.connection("reset")), status(503), .success(ok)])
        guard case .body(let r, let attempts) = f.fetch(FetchRequest(url: "http://x/"), where: loc, validate: { _ in nil }) else {
            Issue.record("expected a body"); return
        }
        #expect(r.status == 200 && attempts == 4 && t.requests.count == 4)
        #expect(clock.sleeps.count == 3)
        // Each wait lies in [cap/2, cap) for caps 1, 2 and 4.
        for (i, s) in clock.sleeps.enumerated() {
            let cap = Double(1 << i)
            #expect(s >= cap / 2 && s < cap, "wait \(i): \(s)")
        }
    }

    @Test("Retry-After (seconds or an HTTP date) sets the wait; one longer than allowed fails the unit as temporary")
    func retryAfter() {
        let (f, _, clock) = fetcher([status(429, [("Retry-After", "7")]), .success(ok)])
        _ = f.fetch(FetchRequest(url: "http://x/"), where: loc, validate: { _ in nil })
        #expect(clock.sleeps == [7])
        let (g, _, _) = fetcher([status(503, [("Retry-After", "3600")])])
        guard case .failed(let e, let attempts) = g.fetch(FetchRequest(url: "http://x/"), where: loc, validate: { _ in nil }) else {
            Issue.record("expected a failure"); return
        }
        #expect(e.kind == .temporary && attempts == 1)
        #expect(e.message.contains("Retry-After 3600 s"))
        #expect(RetryPolicy.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", nowEpoch: 1445412480) == 30)
        #expect(RetryPolicy.retryAfter("soon", nowEpoch: 0) == nil)
    }

    @Test("the tries run out: a temporary failure naming the last problem and the count")
    func giveUp() {
        let (f, t, _) = fetcher([status(500), status(500), status(500)], tries: 3)
        guard case .failed(let e, 3) = f.fetch(FetchRequest(url: "http://x/"), where: loc, validate: { _ in nil }) else {
            Issue.record("expected a failure after 3 tries"); return
        }
        #expect(t.requests.count == 3)
        #expect(e.kind == .temporary && e.message == "HTTP 500 (gave up after 3 tries)")
    }

    @Test("other 4xx, oversized bodies and broken contracts are not retried")
    func notRetried() {
        let (f, t, _) = fetcher([status(404)])
        guard case .failed(let e, 1) = f.fetch(FetchRequest(url: "http://x/a"), where: loc, validate: { _ in nil }) else { Issue.record("404"); return }
        #expect(e.kind == .data && t.requests.count == 1)
        let (g, _, _) = fetcher([.failure(.tooLarge(10))])
        guard case .failed(let e2, 1) = g.fetch(FetchRequest(url: "http://x/a"), where: loc, validate: { _ in nil }) else { Issue.record("large"); return }
        #expect(e2.kind == .data && e2.message.contains("larger than the limit"))
        let (h, ht, _) = fetcher([.success(ok)])
        guard case .failed(let e3, 1) = h.fetch(FetchRequest(url: "http://x/a"), where: loc, validate: { _ in ("no /matches", false) }) else { Issue.record("contract"); return }
        #expect(e3.kind == .data && e3.message == "no /matches" && ht.requests.count == 1)
    }

    @Test("a body that fails validation but may be transient (invalid JSON) is fetched again")
    func invalidThenGood() {
        var calls = 0
        let (f, t, _) = fetcher([.success(ok), .success(ok)])
        let outcome = f.fetch(FetchRequest(url: "http://x/"), where: loc) { _ in
            calls += 1
            return calls == 1 ? ("invalid JSON", true) : nil
        }
        guard case .body = outcome else { Issue.record("expected a body"); return }
        #expect(t.requests.count == 2)
    }

    @Test("304 ends a conditional request without a body")
    func notModified() {
        let (f, _, _) = fetcher([status(304)])
        guard case .notModified(1) = f.fetch(FetchRequest(url: "http://x/"), where: loc, validate: { _ in nil }) else { Issue.record("304"); return }
    }

    @Test("the breaker opens after N consecutive failures and then refuses to request")
    func breakerConsecutive() {
        let breaker = CircuitBreaker(consecutive: 3, window: 100, failureRate: 0.99)
        let (f, t, _) = fetcher(Array(repeating: status(503), count: 10), tries: 5, breaker: breaker)
        guard case .failed(let e, 3) = f.fetch(FetchRequest(url: "http://x/"), where: loc, validate: { _ in nil }) else { Issue.record("trip"); return }
        #expect(e.message == "HTTP 503; the circuit breaker opened (3 consecutive failed requests)")
        guard case .failed(let e2, 0) = f.fetch(FetchRequest(url: "http://x/b"), where: loc, validate: { _ in nil }) else { Issue.record("refuse"); return }
        #expect(e2.kind == .temporary && e2.message.hasPrefix("not requested"))
        #expect(t.requests.count == 3)
    }

    @Test("the breaker opens when the failure rate over the window passes the threshold, not before the window fills")
    func breakerRate() {
        let b = CircuitBreaker(consecutive: 100, window: 10, failureRate: 0.5)
        for i in 0..<9 { b.record(success: i % 3 == 0) }  // 6 of 9 failed: the window is not full yet
        #expect(!b.isOpen)
        b.record(success: false)  // 7 of 10
        #expect(b.openReason == "7 of the last 10 requests failed")
        let c = CircuitBreaker(consecutive: 100, window: 4, failureRate: 0.5)
        for s in [false, true, false, true, false, true, true, false] { c.record(success: s) }
        #expect(!c.isOpen)  // never more than half of the last 4
    }

    @Test("the rate limiter spaces request starts by 1/rate")
    func rateLimiter() {
        let (f, t, _) = fetcher([], rate: 4)
        for i in 0..<9 { _ = f.fetch(FetchRequest(url: "http://x/\(i)"), where: loc, validate: { _ in nil }) }
        let gaps = zip(t.times.dropFirst(), t.times).map { $0 - $1 }
        #expect(gaps.allSatisfy { $0 >= 0.25 - 1e-9 }, "\(gaps)")
        #expect((t.times.last! - t.times.first!) / 8 <= 0.25 + 1e-9)
    }
}

@Suite("HTTP sources: templates, ids, environment, dates")
struct HTTPSourceUnitTests {
    @Test("templates fill parameters, percent-encoding in URLs")
    func templates() {
        #expect(HTTPTemplate.names("/event/{id}/lineups?x={date}") == ["id", "date"])
        #expect(HTTPTemplate.render("/t/{name}", ["name": "a b/c"], HTTPTemplate.percentEncode) == "/t/a%20b%2Fc")
        #expect(HTTPTemplate.render("{a}-{b}", ["a": "1"], { $0 }) == "1-{b}")
    }

    @Test("ids from servers: plain names pass; traversal, separators and control bytes do not")
    func safeIDs() {
        for s in ["12345", "en.1", "2024-08-16", "a_b~c:d@e+f=g,h"] { #expect(HTTPTemplate.isSafeIDPart(s), "\(s)") }
        for s in ["", ".", "..", "../x", "a/b", "a\\b", "a b", "x\u{0}", String(repeating: "a", count: 201), "é"] {
            #expect(!HTTPTemplate.isSafeIDPart(s), "\(s)")
        }
    }

    @Test("${VAR} and ${VAR:-default} from the environment; a missing one is a config error naming it")
    func environment() throws {
        #expect(try HTTPTemplate.expandEnvironment("${A}/x", ["A": "http://h"], what: "w") == "http://h/x")
        #expect(try HTTPTemplate.expandEnvironment("${B:-http://d}", [:], what: "w") == "http://d")
        #expect(throws: PaddockError.self) { try HTTPTemplate.expandEnvironment("${MISSING}", [:], what: "w") }
    }

    @Test("date windows: ISO, today and today-N against --now; formats")
    func dates() {
        let now = Timestamp(parsing: "2025-06-01T12:00:00Z")!
        #expect(DateWindow.day("today", now: now).map(DateWindow.iso) == "2025-06-01")
        #expect(DateWindow.day("today-3", now: now).map(DateWindow.iso) == "2025-05-29")
        #expect(DateWindow.day("2024-02-29", now: now).map(DateWindow.iso) == "2024-02-29")
        #expect(DateWindow.day("2024-02-3", now: now) == nil)
        #expect(DateWindow.format(DateWindow.day("2024-08-03", now: now)!, "%Y%m%d") == "20240803")
    }

    @Test("HTTP dates round-trip")
    func httpDates() {
        #expect(HTTPDate.format(1735689600) == "Wed, 01 Jan 2025 00:00:00 GMT")
        #expect(HTTPDate.parse("Wed, 01 Jan 2025 00:00:00 GMT") == 1735689600)
        #expect(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777)
        #expect(HTTPDate.parse("yesterday") == nil)
    }
}
