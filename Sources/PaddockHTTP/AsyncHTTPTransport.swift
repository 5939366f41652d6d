import AsyncHTTPClient
import Dispatch
import NIOCore
import NIOHTTP1
import NIOPosix
public import PaddockCore
import PaddockExtract
#if canImport(Glibc)
import Glibc
#endif

/// The HTTP transport of `extract` and `discover`: AsyncHTTPClient (SwiftNIO), driven synchronously,
/// one request at a time, since the fetch policy (rate limit, retries, breaker) is sequential anyway.
public final class AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient

    /// - Parameter connectTimeout: seconds to establish a connection.
    public init(connectTimeout: Double = 10) {
        var config = HTTPClient.Configuration()
        // Redirects are not followed: a custom auth header would go wherever Location points.
        config.redirectConfiguration = .disallow
        config.timeout = .init(connect: .milliseconds(Int64(connectTimeout * 1000)))
        config.httpVersion = .http1Only
        // Retries belong to the fetch policy (backoff, breaker); the pool must not retry a refused
        // connection on its own until the deadline.
        config.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    deinit { try? client.syncShutdown() }

    public func get(_ request: FetchRequest) -> Result<FetchResponse, TransportFailure> {
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        let client = self.client
        let job = Job(client: client, request: request, box: box, done: done)
        Task.detached { await job.run() }
        done.wait()
        return box.value ?? .failure(.connection("no result"))
    }

    private final class ResultBox: @unchecked Sendable {
        var value: Result<FetchResponse, TransportFailure>?
    }

    /// One request handed to the async world; the caller waits on `done`.
    private struct Job: @unchecked Sendable {
        let client: HTTPClient
        let request: FetchRequest
        let box: ResultBox
        let done: DispatchSemaphore

        func run() async {
            box.value = await AsyncHTTPTransport.perform(client, request)
            done.signal()
        }
    }

    fileprivate static func perform(_ client: HTTPClient, _ request: FetchRequest) async -> Result<FetchResponse, TransportFailure> {
        var r = HTTPClientRequest(url: request.url)
        r.method = .GET
        for (name, value) in request.headers { r.headers.add(name: name, value: value) }
        if !r.headers.contains(name: "User-Agent") { r.headers.add(name: "User-Agent", value: "paddock-extract/1") }
        let timeout = TimeAmount.milliseconds(Int64(request.timeout * 1000))
        let maxBytes = request.maxBytes
        let prepared = r
        let nanos = UInt64(max(0.001, request.timeout) * 1e9)
        do {
            // The deadline covers the whole exchange: AsyncHTTPClient's own ends with the headers, and a
            // server that stalls in the body would otherwise hold the run forever.
            return try await withThrowingTaskGroup(of: Result<FetchResponse, TransportFailure>.self) { group in
                group.addTask {
                    let response = try await client.execute(prepared, timeout: timeout)
                    var body = try await response.body.collect(upTo: maxBytes)
                    let bytes = body.readBytes(length: body.readableBytes) ?? []
                    let headers = response.headers.map { ($0.name, $0.value) }
                    return .success(FetchResponse(status: Int(response.status.code), headers: headers, body: bytes))
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: nanos)
                    return .failure(.timeout)
                }
                let first = try await group.next() ?? .failure(.timeout)
                group.cancelAll()
                return first
            }
        } catch {
            return .failure(classify(error, maxBytes: request.maxBytes))
        }
    }

    static func classify(_ error: any Error, maxBytes: Int) -> TransportFailure {
        if error is NIOTooManyBytesError { return .tooLarge(maxBytes) }
        if let e = error as? HTTPClientError {
            if [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(e) { return .timeout }
            if [.invalidURL, .emptyHost, .emptyScheme].contains(e) { return .invalid("\(e)") }
            if e == .remoteConnectionClosed { return .connection("the connection closed before the response was complete") }
            return .connection("\(e)")
        }
        if let e = error as? IOError { return .connection(String(cString: strerror(e.errnoCode))) }
        if let e = error as? NIOConnectionError {
            if let first = e.connectionErrors.first?.error as? IOError { return .connection(String(cString: strerror(first.errnoCode))) }
            return .connection("cannot connect to \(e.host):\(e.port)")
        }
        if error is HTTPParserError { return .connection("the response was cut short or malformed") }
        let text = "\(error)"
        if text.contains("connectTimeout") || text.contains("Timeout") { return .timeout }
        if text.lowercased().contains("refused") { return .connection("connection refused") }
        return .connection(text)
    }
}
