#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turnarounds from a packet capture taken on the client's interface.
Client: for every ACK the client sent, the time since the DATA of the same
block (the last DATA of the window) arrived. Server (seen from the client, so
it includes the wire both ways): for every ACK, the time until the DATA of the
next block arrived. Prints "count median_us p99_us server_median_us".

usage: turnaround.py CAPTURE.pcap CLIENT_ADDR
"""
import ipaddress
import struct
import sys


def packets(path):
    with open(path, 'rb') as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return
        magic = struct.unpack('<I', hdr[:4])[0]
        endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        nano = magic in (0xa1b23c4d, 0x4d3cb2a1)
        linktype = struct.unpack(endian + 'I', hdr[20:24])[0]
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            sec, frac, incl, _ = struct.unpack(endian + 'IIII', rec)
            data = f.read(incl)
            yield sec + frac / (1e9 if nano else 1e6), linktype, data


def tftp(linktype, data):
    """(src, dst, opcode, block) of a TFTP DATA/ACK in an IPv4/IPv6 UDP frame."""
    if linktype == 1:            # Ethernet
        if len(data) < 14:
            return None
        etype = struct.unpack('!H', data[12:14])[0]
        data = data[14:]
    elif linktype == 113:        # Linux cooked
        if len(data) < 16:
            return None
        etype = struct.unpack('!H', data[14:16])[0]
        data = data[16:]
    else:
        return None
    if etype == 0x0800 and len(data) >= 20:
        ihl = (data[0] & 15) * 4
        if data[9] != 17:
            return None
        src, dst = ipaddress.ip_address(data[12:16]), ipaddress.ip_address(data[16:20])
        udp = data[ihl:]
    elif etype == 0x86dd and len(data) >= 40:
        if data[6] != 17:
            return None
        src, dst = ipaddress.ip_address(data[8:24]), ipaddress.ip_address(data[24:40])
        udp = data[40:]
    else:
        return None
    if len(udp) < 12:
        return None
    op, block = struct.unpack('!HH', udp[8:12])
    return src, dst, op, block


def main():
    cap, client = sys.argv[1], ipaddress.ip_address(sys.argv[2])
    last_data = {}
    samples = []
    acked = {}          # next block wanted -> when the ACK left
    server = []
    for ts, lt, data in packets(cap):
        p = tftp(lt, data)
        if not p:
            continue
        src, dst, op, block = p
        if op == 3 and dst == client:
            last_data[block] = ts
            if block in acked:
                server.append(ts - acked.pop(block))
        elif op == 4 and src == client:
            if block in last_data:
                samples.append(ts - last_data.pop(block))
            acked[(block + 1) & 0xffff] = ts
    samples.sort()
    server.sort()
    srv = '%.1f' % (server[len(server) // 2] * 1e6) if server else 'nan'
    if not samples:
        print('0 nan nan %s' % srv)
        return
    med = samples[len(samples) // 2]
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print('%d %.1f %.1f %s' % (len(samples), med * 1e6, p99 * 1e6, srv))


if __name__ == '__main__':
    main()
