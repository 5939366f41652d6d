import Foundation
import PaddockCore
import PaddockExtract
import PaddockCurl
import Testing

/// CurlTransport against a local Python server (transport_server.py): what the fetch policy relies on.
@Suite(.serialized)
struct CurlTransportTests {
    /// The server, started once for the suite; it stops when this process closes its stdin (at exit).
    static let server: (process: Process, base: String) = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("transport_server.py").path
        p.arguments = ["python3", script]
        let input = Pipe()
        let output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try! p.run()
        var line = Data()
        while let byte = try? output.fileHandleForReading.read(upToCount: 1), let b = byte.first, b != UInt8(ascii: "\n") {
            line.append(b)
        }
        return (p, "http://127.0.0.1:\(String(decoding: line, as: UTF8.self))")
    }()

    func get(_ t: CurlTransport, _ path: String, headers: [(String, String)] = [], timeout: Double = 5, maxBytes: Int = 1 << 20)
        -> Result<FetchResponse, TransportFailure> {
        t.get(FetchRequest(url: Self.server.base + path, headers: headers, timeout: timeout, maxBytes: maxBytes))
    }

    func echoed(_ r: Result<FetchResponse, TransportFailure>) -> [String: String] {
        guard case .success(let response) = r else { return [:] }
        var out: [String: String] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    @Test("status, headers with lowercased names (repeated ones kept), body; the default User-Agent and request headers go out; one connection for both requests")
    func exchange() throws {
        let t = CurlTransport()
        let first = get(t, "/echo", headers: [("X-Api-Key", "k1")])
        let response = try first.get()
        #expect(response.status == 200)
        #expect(response.header("x-mixed-case") == "Yes")
        #expect(response.headers.contains { $0 == ("x-mixed-case", "Yes") })
        #expect(response.headers.filter { $0.0 == "set-cookie" }.map(\.1) == ["a=1", "b=2"])
        let sent = echoed(first)
        #expect(sent["user-agent"] == "paddock-extract/1")
        #expect(sent["x-api-key"] == "k1")
        let second = echoed(get(t, "/echo", headers: [("User-Agent", "custom/2")]))
        #expect(second["user-agent"] == "custom/2")
        #expect(second["x-api-key"] == nil)
        #expect(second["client-port"] == sent["client-port"], "the connection was not reused")
    }

    @Test("redirects are not followed")
    func redirect() throws {
        let response = try get(CurlTransport(), "/redirect").get()
        #expect(response.status == 302)
        #expect(response.header("location") == "/echo")
        #expect(response.body == Array("moved".utf8))
    }

    @Test("a body over maxBytes fails with tooLarge, with or without a Content-Length; exactly maxBytes passes")
    func tooLarge() {
        let t = CurlTransport()
        #expect(get(t, "/big", maxBytes: 1000) == .failure(.tooLarge(1000)))
        #expect(get(t, "/big-unsized", maxBytes: 1000) == .failure(.tooLarge(1000)))
        #expect((try? get(t, "/big", maxBytes: 5000).get().body.count) == 5000)
    }

    @Test("the timeout covers the whole exchange: a slow answer and a body that stalls both time out")
    func timeouts() {
        let t = CurlTransport()
        #expect(get(t, "/slow", timeout: 0.5) == .failure(.timeout))
        #expect(get(t, "/stall", timeout: 0.5) == .failure(.timeout))
        #expect((try? get(t, "/echo").get().status) == 200)
    }

    @Test("a body cut short, and a connection closed without an answer (new or reused), are connection failures; the handle works afterwards")
    func connectionFailures() {
        let t = CurlTransport()
        #expect(get(t, "/truncate") == .failure(.connection("the response was cut short or malformed")))
        #expect(get(t, "/nothing") == .failure(.connection("the connection closed before the response was complete")))
        // On a kept-alive connection: libcurl would resend on its own; the failure must reach the policy.
        let before = Int(echoed(get(t, "/echo"))["nothing-hits"] ?? "") ?? -1
        #expect(get(t, "/nothing") == .failure(.connection("the connection closed before the response was complete")))
        let after = Int(echoed(get(t, "/echo"))["nothing-hits"] ?? "") ?? -1
        #expect(after - before == 1, "the request was sent again behind the fetch policy's back")
    }

    @Test("nothing listening: Connection refused; a bad URL or scheme is invalid; an unknown host is a connection failure")
    func refusedAndInvalid() {
        let t = CurlTransport(connectTimeout: 2)
        #expect(t.get(FetchRequest(url: "http://127.0.0.1:1/x")) == .failure(.connection("Connection refused")))
        for url in ["not a url", "ftp://127.0.0.1/x", "file:///etc/passwd"] {
            guard case .failure(.invalid) = t.get(FetchRequest(url: url)) else {
                Issue.record("\(url) was not refused as invalid")
                continue
            }
        }
        guard case .failure(.connection) = t.get(FetchRequest(url: "http://no-such-host.invalid/x", timeout: 5)) else {
            Issue.record("an unknown host is not a connection failure")
            return
        }
    }
}

extension Result<FetchResponse, TransportFailure> {
    static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.failure(let x), .failure(let y)): return x == y
        default: return false
        }
    }
}
