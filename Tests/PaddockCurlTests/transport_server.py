"""A small HTTP/1.1 server for CurlTransportTests: prints its port, serves until its stdin closes."""
import http.server, os, socket, sys, threading, time

nothing_hits = 0

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global nothing_hits
        p = self.path
        if p == "/echo":
            lines = [f"{k.lower()}={v}" for k, v in self.headers.items()]
            lines.append(f"client-port={self.client_address[1]}")
            lines.append(f"nothing-hits={nothing_hits}")
            self.reply(200, "\n".join(lines).encode(), [("X-Mixed-Case", "Yes"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
        elif p == "/redirect":
            self.reply(302, b"moved", [("Location", "/echo")])
        elif p == "/big":
            self.reply(200, b"x" * 5000)
        elif p == "/big-unsized":  # no Content-Length: the body ends when the connection closes
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b"x" * 5000)
            self.close_connection = True
        elif p == "/slow":
            time.sleep(2)
            self.reply(200, b"late")
        elif p == "/stall":  # headers and half the body, then silence
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"y" * 50)
            self.wfile.flush()
            time.sleep(2)
            self.close_connection = True
        elif p == "/truncate":  # half the body, then close
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"y" * 50)
            self.wfile.flush()
            self.close_connection = True
        elif p == "/nothing":  # close without an answer
            nothing_hits += 1
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        else:
            self.reply(404, b"no")

    def log_message(self, *args):
        pass

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
os._exit(0)
