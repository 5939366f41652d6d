#!/usr/bin/env bash
# Measures the candidate dependencies for Paddock's HTTP transport and SHA-256, each on its own:
#   http-ahc        AsyncHTTPClient (SwiftNIO, swift-nio-ssl)      http-curl   libcurl (system library)
#   sha-swiftcrypto swift-crypto (its own BoringSSL)               sha-libcrypto  the system libcrypto (EVP)
# For each, a throwaway SwiftPM package under a temp folder (nothing is kept) with a minimal executable
# that does the real work: HTTP, GET a URL N times on one client and print the bytes received; hash, the
# SHA-256 of a file read in 1 MiB chunks. It reports:
#   - the first release build from a clean scratch folder (packages resolved before, not timed): wall
#     time and CPU time (user + sys of swift build and everything it ran). On a shared machine CPU time
#     is the fairer figure: wall time grows with whatever else runs;
#   - the binary's size, unstripped and stripped;
#   - throughput, median of --runs runs: SHA-256 of a 1 GiB file in the page cache (MB/s, sha256sum as
#     an anchor); 200 GETs of a 1 MB body and 2000 GETs of a 1 KB body from a local Python server on
#     127.0.0.1 (HTTP/1.1, keep-alive; started and stopped here). The server is the same for both, and
#     for small bodies it is likely the bottleneck: the ratio between clients is then a lower bound.
#
# Usage: scripts/bench_deps.sh [--runs N] [--only NAME[,NAME]] [--keep]
# Output: a Markdown report on stdout (also in data/bench/deps-<timestamp>.md); progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
load_before=$(cut -d" " -f1-3 /proc/loadavg)

runs=5
only=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_deps.sh: error: unknown option $1" >&2; exit 64 ;;
  esac
done

for tool in swift python3 strip /usr/bin/time sha256sum; do
  command -v "$tool" >/dev/null || { echo "bench_deps.sh: error: $tool is needed" >&2; exit 2; }
done
for p in libcurl4-openssl-dev libssl-dev; do
  dpkg -s "$p" >/dev/null 2>&1 || { echo "bench_deps.sh: error: $p is not installed (make deps installs it)" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/paddock-bench-deps.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ "$keep" = 1 ]; then echo "bench_deps.sh: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench_deps.sh: $*" >&2; }
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.4f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

# ---------------------------------------------------------------------------------------------------
# The candidate packages.

common_header='// swift-tools-version: 6.0
import PackageDescription
'

make_ahc() {
  local d=$work/http-ahc
  mkdir -p "$d/Sources/bench"
  cat > "$d/Package.swift" <<EOF
$common_header
let package = Package(
    name: "bench",
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(name: "bench", dependencies: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
        ]),
    ]
)
EOF
  # One client, HTTP/1.1, no redirects, each response collected whole, as Paddock's transport did.
  cat > "$d/Sources/bench/main.swift" <<'EOF'
import AsyncHTTPClient
import NIOCore

let args = CommandLine.arguments
let url = args[1]
let count = Int(args[2])!
var config = HTTPClient.Configuration()
config.redirectConfiguration = .disallow
config.httpVersion = .http1Only
config.timeout = .init(connect: .seconds(10))
let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
var total = 0
for _ in 0..<count {
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: "User-Agent", value: "paddock-extract/1")
    let response = try await client.execute(request, timeout: .seconds(30))
    guard response.status.code == 200 else { fatalError("HTTP \(response.status.code)") }
    let body = try await response.body.collect(upTo: 64 << 20)
    total += body.readableBytes
}
try await client.shutdown()
print(total)
EOF
}

# A package of one executable over one of the project's system-library targets (module map and shim copied).
system_package() {  # folder, module, pkg-config name
  local d=$1 module=$2 pc=$3
  mkdir -p "$d/Sources/bench" "$d/Sources/$module"
  cp "$root/Sources/$module/module.modulemap" "$root/Sources/$module/shim.h" "$d/Sources/$module/"
  cat > "$d/Package.swift" <<EOF
$common_header
let package = Package(
    name: "bench",
    targets: [
        .systemLibrary(name: "$module", path: "Sources/$module", pkgConfig: "$pc"),
        .executableTarget(name: "bench", dependencies: ["$module"]),
    ]
)
EOF
}

make_curl() {
  local d=$work/http-curl
  system_package "$d" CCurl libcurl
  # One easy handle reused (keep-alive), HTTP/1.1, no redirects, no signals, each body collected whole.
  cat > "$d/Sources/bench/main.swift" <<'EOF'
import CCurl

final class Body { var bytes: [UInt8] = [] }

func collect(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let body = Unmanaged<Body>.fromOpaque(context!).takeUnretainedValue()
    let n = size * count
    data!.withMemoryRebound(to: UInt8.self, capacity: n) { body.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: n)) }
    return n
}

// As the transport does: a Content-Length reserves the body's buffer once (growing a large array step by
// step costs an mmap, page faults and a munmap at each step).
func header(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let body = Unmanaged<Body>.fromOpaque(context!).takeUnretainedValue()
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self).lowercased()
    if line.hasPrefix("content-length:"), let n = Int(line.dropFirst(15).trimmingPrefix(" ").prefix { $0.isNumber }) {
        body.bytes.reserveCapacity(n)
    }
    return size * count
}

let args = CommandLine.arguments
let count = Int(args[2])!
_ = paddock_curl_global_init()
let h = curl_easy_init()!
let body = Body()
_ = paddock_curl_setopt_string(h, CURLOPT_URL, args[1])
_ = paddock_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
_ = paddock_curl_setopt_long(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
_ = paddock_curl_setopt_long(h, CURLOPT_TIMEOUT_MS, 30_000)
_ = paddock_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, 10_000)
_ = paddock_curl_setopt_string(h, CURLOPT_USERAGENT, "paddock-extract/1")
_ = paddock_curl_setopt_callback(h, CURLOPT_WRITEFUNCTION, collect)
_ = paddock_curl_setopt_ptr(h, CURLOPT_WRITEDATA, Unmanaged.passUnretained(body).toOpaque())
_ = paddock_curl_setopt_callback(h, CURLOPT_HEADERFUNCTION, header)
_ = paddock_curl_setopt_ptr(h, CURLOPT_HEADERDATA, Unmanaged.passUnretained(body).toOpaque())
var total = 0
for _ in 0..<count {
    body.bytes = []
    let code = curl_easy_perform(h)
    guard code == CURLE_OK else { fatalError(String(cString: curl_easy_strerror(code))) }
    var status = 0
    _ = paddock_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
    guard status == 200 else { fatalError("HTTP \(status)") }
    total += body.bytes.count
}
curl_easy_cleanup(h)
print(total)
EOF
}

# The file reader both hash candidates share: read(2) into one 1 MiB buffer.
hash_reader='#if canImport(Glibc)
import Glibc
#endif

func eachChunk(of path: String, _ body: (UnsafeRawBufferPointer) -> Void) -> Int {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { fatalError("cannot open \(path)") }
    defer { close(fd) }
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    var total = 0
    while true {
        let n = read(fd, buffer.baseAddress, buffer.count)
        guard n >= 0 else { fatalError("read failed") }
        if n == 0 { return total }
        body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        total += n
    }
}

func hex(_ digest: some Sequence<UInt8>) -> String {
    digest.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}
'

make_swiftcrypto() {
  local d=$work/sha-swiftcrypto
  mkdir -p "$d/Sources/bench"
  cat > "$d/Package.swift" <<EOF
$common_header
let package = Package(
    name: "bench",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", from: "3.12.3")],
    targets: [.executableTarget(name: "bench", dependencies: [.product(name: "Crypto", package: "swift-crypto")])]
)
EOF
  echo "$hash_reader" > "$d/Sources/bench/Reader.swift"
  cat > "$d/Sources/bench/main.swift" <<'EOF'
import Crypto

var hasher = SHA256()
let n = eachChunk(of: CommandLine.arguments[1]) { hasher.update(bufferPointer: $0) }
print(hex(hasher.finalize()), n)
EOF
}

make_libcrypto() {
  local d=$work/sha-libcrypto
  system_package "$d" CLibCrypto libcrypto
  echo "$hash_reader" > "$d/Sources/bench/Reader.swift"
  cat > "$d/Sources/bench/main.swift" <<'EOF'
import CLibCrypto

let ctx = EVP_MD_CTX_new()!
guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else { fatalError("EVP_DigestInit_ex") }
let n = eachChunk(of: CommandLine.arguments[1]) { _ = EVP_DigestUpdate(ctx, $0.baseAddress, $0.count) }
var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
var length: UInt32 = 0
_ = EVP_DigestFinal_ex(ctx, &digest, &length)
EVP_MD_CTX_free(ctx)
print(hex(digest[0..<Int(length)]), n)
EOF
}

# ---------------------------------------------------------------------------------------------------
# Build figures.

declare -A build_wall build_cpu size_raw size_stripped versions boringssl
candidates=()
for c in http-ahc http-curl sha-swiftcrypto sha-libcrypto; do wanted "$c" && candidates+=("$c"); done
[ ${#candidates[@]} -gt 0 ] || { echo "bench_deps.sh: error: --only matches no candidate" >&2; exit 64; }

for c in "${candidates[@]}"; do
  case "$c" in
    http-ahc) make_ahc ;; http-curl) make_curl ;; sha-swiftcrypto) make_swiftcrypto ;; sha-libcrypto) make_libcrypto ;;
  esac
  d=$work/$c
  say "$c: resolving packages (not timed)"
  (cd "$d" && swift package --scratch-path "$d/.build" resolve >/dev/null 2>"$d/resolve.log") \
    || { cat "$d/resolve.log" >&2; exit 2; }
  versions[$c]=$(python3 -c '
import json, sys
try: pins = json.load(open(sys.argv[1]))["pins"]
except FileNotFoundError: pins = []
print(", ".join(p["identity"] + " " + p["state"].get("version", "?") for p in pins) or "none (system libraries only)")' "$d/Package.resolved")
  say "$c: release build from a clean scratch folder"
  (cd "$d" && /usr/bin/time -f "%e %U %S" -o "$d/build.time" swift build -c release --scratch-path "$d/.build" >"$d/build.log" 2>&1) \
    || { tail -30 "$d/build.log" >&2; exit 2; }
  read -r wall user sys < "$d/build.time"
  build_wall[$c]=$wall
  build_cpu[$c]=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  bin=$d/.build/release/bench
  size_raw[$c]=$(stat -c %s "$bin")
  strip -o "$d/bench.stripped" "$bin"
  size_stripped[$c]=$(stat -c %s "$d/bench.stripped")
  # Vendored BoringSSL copies linked in: swift-crypto's symbols start CCryptoBoringSSL_, swift-nio-ssl's CNIOBoringSSL_.
  boringssl[$c]=$(nm "$bin" 2>/dev/null | grep -oE '\b(CCryptoBoringSSL|CNIOBoringSSL)_' | sort -u | tr -d _ | paste -sd, - || true)
  say "$c: ${build_wall[$c]} s wall, ${build_cpu[$c]} s CPU; ${size_raw[$c]} bytes (${size_stripped[$c]} stripped)"
done

# ---------------------------------------------------------------------------------------------------
# Throughput.

declare -A result rss
time_runs() {  # key, command...: median wall seconds of $runs runs, peak RSS of the last
  local key=$1; shift
  local times=() t0 t1
  for ((i = 0; i < runs; i++)); do
    t0=$(now)
    /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 2; }
    t1=$(now)
    times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')")
  done
  result[$key]=$(printf '%s\n' "${times[@]}" | median)
  rss[$key]=$(awk '{ printf "%.0f", $1 / 1024 }' "$work/rss")
}

gib=$((1 << 30))
if wanted sha-swiftcrypto || wanted sha-libcrypto; then
  say "hash: writing a 1 GiB file"
  head -c $gib /dev/urandom > "$work/data.bin"
  cat "$work/data.bin" > /dev/null
  expected=$(sha256sum "$work/data.bin" | cut -d' ' -f1)
  for c in sha-swiftcrypto sha-libcrypto; do
    wanted "$c" || continue
    got=$("$work/$c/.build/release/bench" "$work/data.bin" | cut -d' ' -f1)
    [ "$got" = "$expected" ] || { echo "bench_deps.sh: error: $c gave $got, sha256sum $expected" >&2; exit 1; }
    say "$c: hashing 1 GiB, $runs runs"
    time_runs "$c" "$work/$c/.build/release/bench" "$work/data.bin"
  done
  say "sha256sum: hashing 1 GiB, $runs runs (anchor)"
  time_runs sha256sum sha256sum "$work/data.bin"
  rm -f "$work/data.bin"
fi

if wanted http-ahc || wanted http-curl; then
  cat > "$work/server.py" <<'EOF'
import http.server, sys
BODIES = {"/1mb": bytes(range(256)) * 4096, "/1kb": bytes(range(256)) * 4}
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle and delayed ACKs add 40 ms to
    # every small response, and the client would measure the server's kernel instead of itself.
    disable_nagle_algorithm = True
    def do_GET(self):
        body = BODIES.get(self.path)
        if body is None:
            self.send_error(404); return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as f: f.write(str(server.server_address[1]))
server.timeout = 1
import time; deadline = time.time() + float(sys.argv[2])
while time.time() < deadline: server.handle_request()
EOF
  # The server stops by itself after an hour at most, and is killed at exit.
  python3 "$work/server.py" "$work/port" 3600 & server_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  [ -s "$work/port" ] || { echo "bench_deps.sh: error: the HTTP server did not start" >&2; exit 2; }
  base=http://127.0.0.1:$(cat "$work/port")
  for c in http-ahc http-curl; do
    wanted "$c" || continue
    b=$work/$c/.build/release/bench
    got=$(timeout 120 "$b" "$base/1mb" 200)
    [ "$got" = $((200 * 1048576)) ] || { echo "bench_deps.sh: error: $c received $got bytes for 200 x 1 MiB" >&2; exit 1; }
    say "$c: 200 GETs of 1 MiB and 2000 GETs of 1 KiB, $runs runs each"
    time_runs "$c-1mb" timeout 300 "$b" "$base/1mb" 200
    time_runs "$c-1kb" timeout 300 "$b" "$base/1kb" 2000
  done
  kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; server_pid=""
fi

# ---------------------------------------------------------------------------------------------------
# Report.

mib() { awk -v b="$1" 'BEGIN { if (b < 1048576) printf "%.2f", b / 1048576; else printf "%.1f", b / 1048576 }'; }
report() {
  echo "## Dependency candidates ($(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), nproc $(nproc), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo);" \
       "$(swift --version 2>&1 | head -1); $(curl-config --version 2>/dev/null || echo libcurl); $(openssl version 2>/dev/null || echo OpenSSL)."
  echo "Load average before the run: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| candidate | first release build, wall s | CPU s (user+sys) | binary MiB | stripped MiB | BoringSSL copies | packages |"
  echo "|---|---:|---:|---:|---:|---|---|"
  for c in "${candidates[@]}"; do
    echo "| $c | ${build_wall[$c]} | ${build_cpu[$c]} | $(mib "${size_raw[$c]}") | $(mib "${size_stripped[$c]}") | ${boringssl[$c]:-none} | ${versions[$c]} |"
  done
  echo
  if [ -n "${result[sha256sum]:-}" ]; then
    echo "SHA-256 of a 1 GiB file in the page cache, 1 MiB reads, median of $runs:"
    echo
    echo "| candidate | median s | MB/s | peak RSS MiB |"
    echo "|---|---:|---:|---:|"
    for c in sha-swiftcrypto sha-libcrypto sha256sum; do
      [ -n "${result[$c]:-}" ] || continue
      echo "| $c | ${result[$c]} | $(awk -v s="${result[$c]}" -v b=$gib 'BEGIN { printf "%.0f", b / 1e6 / s }') | ${rss[$c]} |"
    done
    echo
  fi
  if [ -n "${result[http-ahc-1mb]:-}${result[http-curl-1mb]:-}" ]; then
    echo "HTTP GETs on one client from a local Python ThreadingHTTPServer (HTTP/1.1, keep-alive), whole process, median of $runs:"
    echo
    echo "| candidate | 200 x 1 MiB: s | MB/s | 2000 x 1 KiB: s | requests/s | peak RSS MiB (1 MiB run) |"
    echo "|---|---:|---:|---:|---:|---:|"
    for c in http-ahc http-curl; do
      [ -n "${result[$c-1mb]:-}" ] || continue
      echo "| $c | ${result[$c-1mb]} | $(awk -v s="${result[$c-1mb]}" 'BEGIN { printf "%.0f", 200 * 1048576 / 1e6 / s }') |" \
           "${result[$c-1kb]} | $(awk -v s="${result[$c-1kb]}" 'BEGIN { printf "%.0f", 2000 / s }') | ${rss[$c-1mb]} |"
    done
    echo
  fi
}
mkdir -p "$root/data/bench"
out=$root/data/bench/deps-$(date -u +%Y%m%dT%H%M%SZ).md
report | tee "$out"
say "written to $out"
