#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The tables of bench/fastpath/run from the guest's RESULT lines on stdin:
median wall time -> throughput, median and p99 client turnaround, the median
server turnaround per client, and the kernel/user ratios.

usage: table.py FILE_SIZE_BYTES < RESULT lines
"""
import statistics, sys
size = int(sys.argv[1])
rows = {}
for line in sys.stdin:
    _, mode, delay, name, rep, secs, n, med, p99, srv = line.split()
    if secs == 'FAIL':
        rows.setdefault((mode, delay, name), []).append(None)
        continue
    rows.setdefault((mode, delay, name), []).append((float(secs), float(med), float(p99), float(srv)))
print('| mode | netem delay | client | runs ok | throughput (MB/s) | turnaround median (us) | turnaround p99 (us) | server turnaround median (us) |')
print('|---|---|---|---|---|---|---|---|')
med = {}
for (mode, delay, name), runs in sorted(rows.items()):
    ok = [r for r in runs if r]
    if not ok:
        print('| %s | %s ms | %s | 0/%d | - | - | - | - |' % (mode, delay, name, len(runs)))
        continue
    t = statistics.median(r[0] for r in ok)
    ta = statistics.median(r[1] for r in ok)
    tp = statistics.median(r[2] for r in ok)
    st = statistics.median(r[3] for r in ok)
    med[(mode, delay, name)] = (size / t / 1e6, ta)
    print('| %s | %s ms | %s | %d/%d | %.2f | %.0f | %.0f | %.0f |' % (mode, delay, name, len(ok), len(runs), size / t / 1e6, ta, tp, st))
print()
print('| mode | netem delay | throughput kernel/user | turnaround user/kernel |')
print('|---|---|---|---|')
for (mode, delay, name) in sorted(med):
    if name != 'kernel' or (mode, delay, 'user') not in med:
        continue
    k, u = med[(mode, delay, 'kernel')], med[(mode, delay, 'user')]
    print('| %s | %s ms | %.2fx | %.1fx |' % (mode, delay, k[0] / u[0], u[1] / k[1] if k[1] else float('nan')))
