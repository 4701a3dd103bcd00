#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small, deliberately faulty HTTP/1.1 server for what nginx will not do.

    http_faulty.py ADDR PORT ROOT [--tls CERT KEY]

With --tls every connection is TLS (CERT and KEY in PEM). A connection the
server ends is closed at the TCP level without a TLS close_notify, unless the
mode says otherwise.

The first path component picks the fault; the rest names a file under ROOT:

    /upstream/F     F as HTTP/1.0, no Content-Length, close-delimited (nginx
                    in front of it turns this into a chunked response)
    /bighead/F      a response head larger than 16 KiB
    /manyheaders/F  more header fields than the client accepts
    /badchunk/F     chunked with an invalid chunk size
    /hugechunk/F    chunked with a chunk size that overflows 64 bits
    /clbig/F        Content-Length larger than 2^64
    /clconflict/F   two different Content-Length values
    /longbody/F     the body of F followed by garbage past Content-Length
    /stall/F        the head, half the body, then silence (every time)
    /stallonce/F    first request: half of F, then silence on the open
                    connection; Range (and If-Range) honoured after
    /trickle/F      the head, then one byte every 0.2 s
    /headstall/F    part of the head, then silence
    /retry/F        503 + Retry-After: 1 on the first request, then F
    /retrylong/F    503 + Retry-After: 3600
    /cut/F          first request: half of F then close; Range honoured after
    /norange/F      first request: half of F then close; Range ignored (200)
    /notahttp/F     garbage instead of a status line
    /closeafter/F   F with keep-alive semantics, then the server closes the
                    connection anyway (the next request must reconnect)
    /zerochunk/F    chunked, then a chunk-size line of "0" digits that never
                    ends (8 KiB every 10 ms, for up to 60 s)
    /extchunk/F     chunked, F one byte per chunk, each chunk with a 1000-byte
                    extension, 100 chunks a second: much framing, little body
    /interim/F      "100 Continue" heads, 1000 a second, for up to 60 s
    /never/F        a response that never ends: chunked, 1 KiB of "#" comment
                    lines every 0.2 s (enough progress for any stall timer),
                    for up to 120 s; for a name ending in .bin, F itself in
                    1 KiB chunks every 0.2 s, and no last chunk
    /neverimage/F   as /never/ for names ending in .bin, else F
    /neversettings/F  as /never/ for names containing "settings", else F
    /onceNNN/F      the first request for F is answered with status NNN (500,
                    502, 504, 429, ...; a short body, no Retry-After), later
                    ones with F
    /alwaysNNN/F    every request answered with status NNN
    /cutclose/F     as /upstream/, but only the first half of F before the
                    close (over TLS: what an attacker's FIN does)
    /closenotify/F  as /upstream/, then (over TLS) a close_notify before the
                    close: a complete close-delimited body

PORT + 1 never completes a TCP handshake: its listen queue is kept full, so
the kernel drops incoming SYNs (a connect timeout without a firewall).

Every request is logged to stdout as "METHOD PATH RANGE IF-RANGE" for the
tests ("-" for a header that is absent).
"""
import os
import socket
import socketserver
import ssl
import sys
import threading
import time

state = {}
lock = threading.Lock()


def first_time(key):
    with lock:
        n = state.get(key, 0)
        state[key] = n + 1
        return n == 0


class Handler(socketserver.BaseRequestHandler):
    def read_head(self):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.request.recv(4096)
            if not chunk:
                return None
            data += chunk
        return data.split(b"\r\n\r\n", 1)[0].decode("latin-1")

    def send(self, data):
        self.request.sendall(data)

    def ok_head(self, length, extra=""):
        return ("HTTP/1.1 200 OK\r\nContent-Length: %d\r\nETag: \"v1\"\r\n%s\r\n"
                % (length, extra)).encode()

    def handle(self):
        while True:
            head = self.read_head()
            if head is None:
                return
            lines = head.split("\r\n")
            method, target = lines[0].split(" ")[:2]
            headers = {}
            for l in lines[1:]:
                k, _, v = l.partition(":")
                headers[k.strip().lower()] = v.strip()
            rng = headers.get("range", "-")
            ifr = headers.get("if-range", "-")
            print("%s %s %s %s" % (method, target, rng, ifr), flush=True)
            parts = target.split("/", 2)
            if len(parts) < 3:
                self.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                return
            mode, name = parts[1], parts[2]
            try:
                with open(os.path.join(ROOT, os.path.basename(name)), "rb") as f:
                    body = f.read()
            except OSError:
                self.send(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                continue
            if not self.fault(mode, target, body, rng, ifr):
                return

    def ranged(self, body, rng, ifr):
        """206 for "Range: bytes=N-" when If-Range (if any) still matches, else 200."""
        if rng.startswith("bytes=") and rng.endswith("-") and ifr in ("-", '"v1"'):
            start = int(rng[6:-1])
            part = body[start:]
            self.send(("HTTP/1.1 206 Partial Content\r\nContent-Length: %d\r\n"
                       "Content-Range: bytes %d-%d/%d\r\nETag: \"v1\"\r\n\r\n"
                       % (len(part), start, len(body) - 1, len(body))).encode() + part)
            return
        self.send(self.ok_head(len(body)) + body)

    def stream(self, data, pause, seconds=60):
        """Send data every pause seconds until the client leaves (or seconds pass)."""
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                self.send(data)
                time.sleep(pause)
        except OSError:
            pass
        return False

    def fault(self, mode, target, body, rng, ifr):
        """Answer one request; False closes the connection."""
        name = target.split("/", 2)[2]
        half = len(body) // 2
        if mode == "upstream":
            self.send(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n" + body)
            return False
        if mode == "never" or (mode == "neverimage" and name.endswith(".bin")) or \
                (mode == "neversettings" and "settings" in name):
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            if name.endswith(".bin"):
                end = time.monotonic() + 120
                try:
                    for i in range(0, len(body), 1024):
                        self.send(b"%x\r\n%s\r\n" % (len(body[i:i + 1024]), body[i:i + 1024]))
                        time.sleep(0.2)
                    time.sleep(max(0, end - time.monotonic()))
                except OSError:
                    pass
                return False
            line = b"# not yet\n" * 100
            return self.stream(b"%x\r\n%s\r\n" % (len(line), line), 0.2, 120)
        if mode in ("neverimage", "neversettings"):
            self.send(self.ok_head(len(body)) + body)
            return True
        code = mode[4:] if mode.startswith("once") else mode[6:] if mode.startswith("always") else ""
        if code.isdigit() and (mode.startswith("always") or first_time(target)):
            self.send(b"HTTP/1.1 %s Fault\r\nContent-Length: 4\r\n\r\nsick" % code.encode())
            return True
        if code.isdigit():
            self.send(self.ok_head(len(body)) + body)
            return True
        if mode == "zerochunk":
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            return self.stream(b"0" * 8192, 0.01)
        if mode == "extchunk":
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for i in range(len(body)):
                self.send(b"1;" + b"e" * 1000 + b"\r\n" + body[i:i + 1] + b"\r\n")
                time.sleep(0.01)
            self.send(b"0\r\n\r\n")
            return False
        if mode == "interim":
            return self.stream(b"HTTP/1.1 100 Continue\r\n\r\n" * 10, 0.01)
        if mode == "cutclose":
            self.send(b"HTTP/1.0 200 OK\r\n\r\n" + body[:half])
            return False
        if mode == "closenotify":
            self.send(b"HTTP/1.0 200 OK\r\n\r\n" + body)
            if isinstance(self.request, ssl.SSLSocket):
                try:
                    self.request.unwrap()   # sends close_notify
                except (ssl.SSLError, OSError):
                    pass    # the client closed without answering it: allowed
            return False
        if mode == "bighead":
            self.send(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
            return False
        if mode == "manyheaders":
            self.send(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(100))
                      + b"Content-Length: 0\r\n\r\n")
            return False
        if mode == "badchunk":
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n")
            return False
        if mode == "hugechunk":
            self.send(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"fffffffffffffffff0\r\nhello\r\n")
            return False
        if mode == "clbig":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n" + body)
            return False
        if mode == "clconflict":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nContent-Length: %d\r\n\r\n"
                      % (len(body), len(body) + 1) + body)
            return False
        if mode == "longbody":
            self.send(self.ok_head(len(body)) + body + b"GARBAGE AFTER THE BODY")
            return True
        if mode == "stall":
            self.send(self.ok_head(len(body)) + body[:half])
            time.sleep(60)
            return False
        if mode == "headstall":
            self.send(b"HTTP/1.1 200 OK\r\nContent-Le")
            time.sleep(60)
            return False
        if mode == "trickle":
            self.send(self.ok_head(len(body)))
            for i in range(len(body)):
                self.send(body[i:i + 1])
                time.sleep(0.2)
            return False
        if mode == "retry":
            if first_time(target):
                self.send(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n"
                          b"Content-Length: 4\r\n\r\nbusy")
                return True
            self.send(self.ok_head(len(body)) + body)
            return True
        if mode == "retrylong":
            self.send(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 3600\r\n"
                      b"Content-Length: 0\r\n\r\n")
            return True
        if mode in ("cut", "norange"):
            if first_time(target):
                self.send(self.ok_head(len(body)) + body[:half])
                return False
            if mode == "cut":
                self.ranged(body, rng, ifr)
                return True
            self.send(self.ok_head(len(body)) + body)
            return True
        if mode == "stallonce":
            if first_time(target):
                self.send(self.ok_head(len(body)) + body[:half])
                time.sleep(60)
                return False
            self.ranged(body, rng, ifr)
            return True
        if mode == "closeafter":
            self.send(self.ok_head(len(body)) + body)
            time.sleep(0.2)
            return False
        if mode == "notahttp":
            self.send(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
            return False
        self.send(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        return False


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    tls = None

    def get_request(self):
        sock, addr = self.socket.accept()
        if self.tls:
            # the handshake runs in the handler's thread, on its first read
            sock = self.tls.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr


if __name__ == "__main__":
    addr, port, ROOT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if sys.argv[4:5] == ["--tls"]:
        Server.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        Server.tls.load_cert_chain(sys.argv[5], sys.argv[6])
    if ":" in addr:
        Server.address_family = socket.AF_INET6
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    hole = socket.socket(family, socket.SOCK_STREAM)
    hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    hole.bind((addr, port + 1))
    hole.listen(0)
    fillers = []
    for _ in range(3):
        f = socket.socket(family, socket.SOCK_STREAM)
        f.setblocking(False)
        f.connect_ex(("::1" if family == socket.AF_INET6 else "127.0.0.1", port + 1))
        fillers.append(f)
    with Server((addr, port), Handler) as srv:
        srv.serve_forever()
