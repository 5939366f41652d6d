import CCurl
public import PaddockCore
public import PaddockExtract
#if canImport(Glibc)
import Glibc
#endif

/// `curl_global_init`, run once per process before the first easy handle is made.
private let curlGlobalInit: CURLcode = paddock_curl_global_init()

/// The HTTP transport of `extract` and `discover`: libcurl's easy interface, one request at a time
/// (the fetch policy, with its rate limit, retries and breaker, is sequential anyway).
///
/// One easy handle is reused for every request, so connections to the same host are kept alive. The
/// timeout of a request covers the whole exchange, body included; redirects are not followed (a custom
/// auth header would go wherever Location points); HTTP/1.1 only; no signals.
public final class CurlTransport: HTTPTransport {
    private let handle: UnsafeMutableRawPointer
    private let connectTimeout: Double
    /// Where libcurl writes the text of its last error (`CURLOPT_ERRORBUFFER`).
    private let errorBuffer: UnsafeMutablePointer<CChar>

    /// - Parameter connectTimeout: seconds to establish a connection.
    public init(connectTimeout: Double = 10) {
        _ = curlGlobalInit
        guard let h = curl_easy_init() else { fatalError("curl_easy_init failed (out of memory)") }
        handle = h
        self.connectTimeout = connectTimeout
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends one GET with `curl_easy_perform` and collects the status, headers and body.
    public func get(_ request: FetchRequest) -> Result<FetchResponse, TransportFailure> {
        let exchange = Exchange(maxBytes: request.maxBytes)
        var headers: UnsafeMutablePointer<curl_slist>?
        for (name, value) in request.headers {
            guard let list = curl_slist_append(headers, "\(name): \(value)") else {
                curl_slist_free_all(headers)
                return .failure(.connection("out of memory"))
            }
            headers = list
        }
        defer { curl_slist_free_all(headers) }

        let context = Unmanaged.passUnretained(exchange).toOpaque()
        let h = handle
        errorBuffer[0] = 0
        var setup = paddock_curl_setopt_string(h, CURLOPT_URL, request.url)
        func set(_ code: CURLcode) { if setup == CURLE_OK { setup = code } }
        set(paddock_curl_setopt_string(h, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(paddock_curl_setopt_long(h, CURLOPT_HTTPGET, 1))
        set(paddock_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1))
        set(paddock_curl_setopt_long(h, CURLOPT_FOLLOWLOCATION, 0))
        set(paddock_curl_setopt_long(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        set(paddock_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)))
        set(paddock_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout)))
        // A Content-Length over the limit fails before the body is read; the write callback catches the rest.
        set(paddock_curl_setopt_off(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxBytes)))
        set(paddock_curl_setopt_string(h, CURLOPT_USERAGENT, "paddock-extract/1"))  // a User-Agent header overrides it
        set(paddock_curl_setopt_slist(h, CURLOPT_HTTPHEADER, headers))
        set(paddock_curl_setopt_ptr(h, CURLOPT_ERRORBUFFER, errorBuffer))
        set(paddock_curl_setopt_callback(h, CURLOPT_WRITEFUNCTION, curlWriteBody))
        set(paddock_curl_setopt_ptr(h, CURLOPT_WRITEDATA, context))
        set(paddock_curl_setopt_callback(h, CURLOPT_HEADERFUNCTION, curlHeaderLine))
        set(paddock_curl_setopt_ptr(h, CURLOPT_HEADERDATA, context))
        set(paddock_curl_setopt_prereq(h, curlBeforeRequest))
        set(paddock_curl_setopt_ptr(h, CURLOPT_PREREQDATA, context))
        if setup != CURLE_OK { return .failure(.invalid(text(setup))) }

        let code = withExtendedLifetime(exchange) { curl_easy_perform(h) }
        // The list is freed after this call: leave no dangling pointer in the handle.
        _ = paddock_curl_setopt_slist(h, CURLOPT_HTTPHEADER, nil)
        if code != CURLE_OK { return .failure(classify(code, exchange)) }
        var status = 0
        _ = paddock_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        return .success(FetchResponse(status: status, headers: exchange.headers, body: exchange.body))
    }

    /// Maps a libcurl error onto what the fetch policy needs to know.
    private func classify(_ code: CURLcode, _ exchange: Exchange) -> TransportFailure {
        if exchange.tooLarge { return .tooLarge(exchange.maxBytes) }
        if exchange.requestsSent > 1 { return .connection("the connection closed before the response was complete") }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .timeout
        case CURLE_FILESIZE_EXCEEDED:
            return .tooLarge(exchange.maxBytes)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalid(text(code))
        case CURLE_PARTIAL_FILE, CURLE_WEIRD_SERVER_REPLY:
            return .connection("the response was cut short or malformed")
        case CURLE_GOT_NOTHING:
            return .connection("the connection closed before the response was complete")
        case CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            var osErrno = 0
            _ = paddock_curl_getinfo_long(handle, CURLINFO_OS_ERRNO, &osErrno)
            if osErrno != 0 { return .connection(String(cString: strerror(Int32(osErrno)))) }
            return .connection(text(code))
        default:
            return .connection(text(code))
        }
    }

    /// libcurl's detailed message for the last error, else its generic one (`curl_easy_strerror`).
    private func text(_ code: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }

    private static func milliseconds(_ seconds: Double) -> Int {
        Int(max(1, (seconds * 1000).rounded(.up)))
    }
}

/// What one request has received so far; the callbacks reach it through their context pointer.
private final class Exchange {
    let maxBytes: Int
    var body: [UInt8] = []
    var headers: [(String, String)] = []
    var tooLarge = false
    /// How many times libcurl was about to send the request (more than once: it wanted to resend it).
    var requestsSent = 0

    init(maxBytes: Int) { self.maxBytes = maxBytes }
}

/// `CURLOPT_WRITEFUNCTION`: appends to the body; returning less than it was given aborts the transfer
/// (`CURLE_WRITE_ERROR`), which a body over the limit does.
private func curlWriteBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    if exchange.body.count + n > exchange.maxBytes {
        exchange.tooLarge = true
        return 0
    }
    guard let data, n > 0 else { return n }
    data.withMemoryRebound(to: UInt8.self, capacity: n) { exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

/// `CURLOPT_PREREQFUNCTION`: called each time the request is about to go out. When a reused connection
/// closes without a byte of answer, libcurl sends the request again on a new connection on its own; that
/// second send is refused here, so the failure reaches the fetch policy (its backoff, its breaker, its
/// count of requests) as it does with every other transport.
private func curlBeforeRequest(_ context: UnsafeMutableRawPointer?, _ primaryIP: UnsafeMutablePointer<CChar>?,
                               _ localIP: UnsafeMutablePointer<CChar>?, _ primaryPort: Int32, _ localPort: Int32) -> Int32 {
    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
    exchange.requestsSent += 1
    return exchange.requestsSent > 1 ? CURL_PREREQFUNC_ABORT : CURL_PREREQFUNC_OK
}

/// `CURLOPT_HEADERFUNCTION`: one header line at a time (status line, `name: value`, the empty line).
/// A new status line (an interim 1xx answer came first) starts the headers again.
private func curlHeaderLine(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let exchange = Unmanaged<Exchange>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    guard let data, n > 0 else { return n }
    var line = Array(UnsafeRawBufferPointer(start: data, count: n))
    while let last = line.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { line.removeLast() }
    if line.starts(with: Array("HTTP/".utf8)) {
        exchange.headers.removeAll()
    } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
        let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
        var value = line[(colon + 1)...]
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value.removeFirst() }
        let text = String(decoding: value, as: UTF8.self)
        exchange.headers.append((name, text))
        // One allocation for the body: growing a large array step by step costs an mmap, page faults
        // and a munmap at each step (a 1 MB body took 4 times as long).
        if name == "content-length", let length = Int(text), length > 0, length <= exchange.maxBytes {
            exchange.body.reserveCapacity(length)
        }
    }
    return n
}
