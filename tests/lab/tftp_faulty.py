#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small TFTP server (RFC 1350 read requests, RFC 2347/2348/2349/7440
options) that injects one chosen fault, to test what a real server cannot be
made to do. It serves files from ROOT, one transfer at a time, and logs what it
did on stderr.

  tftp_faulty.py --addr 192.0.2.1 --port 1169 --root DIR --fault FAULT[,FAULT...]

Faults (N is a block number, counting from 1):
  none            behave
  drop:N          drop the first transmission of block N
  dup:N           send block N twice
  reorder:N       send block N+1 before block N (once)
  delay:N:MS      hold block N back MS milliseconds (once)
  wrongport:N     before block N, send a DATA from another port (a stray TID)
  oversize:N      send block N with 100 bytes more than blksize
  truncated:N     before block N, send a 3-byte DATA (no block number)
  error:N         send ERROR 2 instead of block N, and stop
  tsize-lie       announce a tsize 1000 bytes larger than the file
  short-tsize     announce a tsize 1000 bytes smaller than the file
  tsize-zero      announce a tsize of 0 (and send the file)
  no-final        never send the final (short) block; stay silent
  silent          never answer anything
  grant-unasked   OACK grants an option that was not asked ("windowsize" when
                  not asked, else "foo")
  grant-bigger    OACK grants a blksize larger than asked
  no-oack         ignore options: answer with DATA 1 in 512-byte lock-step
  dup-oack        send the OACK twice
  rollover1       after block 65535 comes block 1, not 0 (some servers do this)
"""
import argparse
import os
import select
import socket
import struct
import sys
import time


def log(*a):
    print("tftp_faulty:", *a, file=sys.stderr, flush=True)


def parse_faults(spec):
    faults = {}
    for f in spec.split(","):
        parts = f.split(":")
        faults.setdefault(parts[0], []).append([int(x) for x in parts[1:]])
    return faults


def parse_rrq(pkt):
    if len(pkt) < 4 or struct.unpack("!H", pkt[:2])[0] != 1:
        return None
    fields = pkt[2:].split(b"\0")
    name, mode = fields[0].decode(errors="replace"), fields[1].decode().lower()
    opts = {}
    rest = fields[2:]
    for i in range(0, len(rest) - 1, 2):
        if rest[i]:
            opts[rest[i].decode().lower()] = rest[i + 1].decode()
    return name, mode, opts


class Transfer:
    def __init__(self, args, faults, client, name, opts):
        self.f = faults
        self.client = client
        self.sock = socket.socket(socket.AF_INET6 if ":" in args.addr else socket.AF_INET,
                                  socket.SOCK_DGRAM)
        self.sock.bind((args.addr, 0))
        self.stray = socket.socket(self.sock.family, socket.SOCK_DGRAM)
        self.stray.bind((args.addr, 0))
        path = os.path.join(args.root, os.path.basename(name))
        self.data = open(path, "rb").read() if os.path.exists(path) else None
        self.opts = opts
        self.blksize, self.window, self.timeout = 512, 1, 1.0
        self.used = set()

    def once(self, name, block):
        """True the first time fault `name` applies to `block`."""
        for p in self.f.get(name, []):
            if p and p[0] == block and (name, block) not in self.used:
                self.used.add((name, block))
                return p
        return None

    def send(self, pkt, sock=None):
        (sock or self.sock).sendto(pkt, self.client)

    def block_payload(self, n):
        off = (n - 1) * self.blksize
        return self.data[off:off + self.blksize]

    def nblocks(self):
        return len(self.data) // self.blksize + 1

    def wire(self, n):
        """Block n's number on the wire: rolls over to 0, or to 1 (rollover1)."""
        if "rollover1" in self.f:
            return (n - 1) % 65535 + 1
        return n & 0xFFFF

    def data_pkt(self, n, payload=None):
        if payload is None:
            payload = self.block_payload(n)
        return struct.pack("!HH", 3, self.wire(n)) + payload

    def send_block(self, n):
        """Send block n with the faults that apply; False to stop the transfer."""
        if "no-final" in self.f and n == self.nblocks():
            return True
        if self.once("error", n):
            self.send(struct.pack("!HH", 5, 2) + b"Access violation (injected)\0")
            log("sent ERROR 2 at block", n)
            return False
        if self.once("wrongport", n):
            self.send(self.data_pkt(n), self.stray)
            log("sent block", n, "from a stray port")
        if self.once("truncated", n):
            self.send(b"\0\3\0")
            log("sent a truncated DATA before block", n)
        if self.once("drop", n):
            log("dropped block", n)
            return True
        if self.once("oversize", n):
            self.send(self.data_pkt(n, self.block_payload(n).ljust(self.blksize + 100, b"x")))
            log("sent oversize block", n)
            return True
        d = self.once("delay", n)
        if d:
            time.sleep(d[1] / 1000.0)
        self.send(self.data_pkt(n))
        if self.once("dup", n):
            self.send(self.data_pkt(n))
            log("duplicated block", n)
        return True

    def negotiate(self):
        o = self.opts
        if self.data is None:
            self.send(struct.pack("!HH", 5, 1) + b"File not found\0")
            return False
        if "no-oack" in self.f or not o:
            return True
        reply = []
        if "blksize" in o:
            self.blksize = max(8, min(int(o["blksize"]), 65464))
            grant = self.blksize + 100 if "grant-bigger" in self.f else self.blksize
            reply += [b"blksize", str(grant).encode()]
        if "tsize" in o:
            size = len(self.data)
            if "tsize-lie" in self.f:
                size += 1000
            if "short-tsize" in self.f:
                size -= 1000
            if "tsize-zero" in self.f:
                size = 0
            reply += [b"tsize", str(size).encode()]
        if "timeout" in o:
            self.timeout = float(o["timeout"])
            reply += [b"timeout", o["timeout"].encode()]
        if "windowsize" in o:
            self.window = int(o["windowsize"])
            reply += [b"windowsize", o["windowsize"].encode()]
        if "grant-unasked" in self.f:
            reply += [b"foo", b"1"] if "windowsize" in o else [b"windowsize", b"4"]
        oack = struct.pack("!H", 6) + b"\0".join(reply) + b"\0"
        for attempt in range(5):
            self.send(oack)
            if "dup-oack" in self.f and attempt == 0:
                self.send(oack)
            ack = self.wait_ack(self.timeout)
            if ack == "error":
                return False
            if ack == 0:
                return "ok"
        return False

    def wait_ack(self, timeout):
        """The block number of the next ACK from the client, None on timeout, "error"."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock, self.stray], [], [], left)
            if not r:
                return None
            if self.stray in r:
                pkt, src = self.stray.recvfrom(70000)
                if len(pkt) >= 4 and struct.unpack("!HH", pkt[:4]) == (5, 5):
                    log("stray port got ERROR 5")
                continue
            pkt, src = self.sock.recvfrom(70000)
            if src != self.client or len(pkt) < 4:
                continue
            op, n = struct.unpack("!HH", pkt[:4])
            if op == 5:
                msg = pkt[4:].split(b"\0")[0].decode(errors="replace")
                log("client sent ERROR", n, msg)
                return "error"
            if op == 4:
                return n

    def run(self):
        if "silent" in self.f:
            return
        neg = self.negotiate()
        if neg is False:
            return
        if neg is True:
            self.blksize, self.window = 512, 1
        total = self.nblocks()
        base = 0                      # last block acknowledged
        reordered = set()
        tries = 0
        while base < total:
            last = min(base + self.window, total)
            n = base + 1
            while n <= last:
                if n < last and self.once("reorder", n):
                    if not self.send_block(n + 1) or not self.send_block(n):
                        return
                    log("reordered blocks", n, n + 1)
                    reordered.add(n)
                    n += 2
                    continue
                if not self.send_block(n):
                    return
                n += 1
            ack = self.wait_ack(self.timeout)
            if ack == "error":
                return
            if ack is None:
                tries += 1
                if tries > 5:
                    log("client silent, giving up")
                    return
                continue
            tries = 0
            # Map the 16-bit ACK into the current window (rollover to 0).
            for k in range(last, base - 1, -1):
                if (self.wire(k) if k else 0) == ack:
                    base = k
                    break
        log("transfer of", len(self.data), "bytes done")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--fault", default="none")
    ap.add_argument("--ready", help="file created once listening")
    args = ap.parse_args()
    faults = parse_faults(args.fault)
    fam = socket.AF_INET6 if ":" in args.addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_DGRAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((args.addr, args.port))
    if args.ready:
        open(args.ready, "w").close()
    log("listening on", args.addr, args.port, "faults", faults)
    while True:
        pkt, client = ls.recvfrom(2048)
        req = parse_rrq(pkt)
        if not req:
            continue
        name, mode, opts = req
        log("RRQ", name, mode, opts, "from", client)
        if "silent" in faults:
            continue
        Transfer(args, faults, client, name, opts).run()
        # Requests the client repeated while that transfer ran are stale.
        ls.setblocking(False)
        try:
            while True:
                ls.recvfrom(2048)
        except BlockingIOError:
            pass
        ls.setblocking(True)


if __name__ == "__main__":
    main()
