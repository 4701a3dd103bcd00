#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The genetlink YAML spec of the fast path (docs/netlink/specs/ringboot.yaml)
# and the UAPI header (include/uapi/linux/ringboot.h) describe the same
# family: same attributes, commands, events and states, in the same order.
. "$RINGBOOT_TOP/tests/lib/tap.sh"
cd "$RINGBOOT_TOP" || exit 1

python3 - docs/netlink/specs/ringboot.yaml include/uapi/linux/ringboot.h <<'PY'
import re, sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
hdr = open(sys.argv[2]).read()
n = 0
def enum(name):
    body = re.search(r'enum %s \{(.*?)\};' % name, hdr, re.S).group(1)
    body = re.sub(r'/\*.*?\*/', '', body, flags=re.S)
    return [e.split('=')[0].strip() for e in body.split(',') if e.strip() and not e.strip().startswith('__')]
def check(desc, got, want):
    global n
    n += 1
    if got == want:
        print('ok %d - %s' % (n, desc))
    else:
        print('not ok %d - %s' % (n, desc))
        print('# header: %s' % got)
        print('# spec:   %s' % want)
c = lambda prefix, names: [prefix + x.upper().replace('-', '_') for x in names]
aset = spec['attribute-sets'][0]
check('attributes match', enum('ringboot_attr'), c('RINGBOOT_A_', [a['name'] for a in aset['attributes']]))
check('commands match', enum('ringboot_cmd'), c('RINGBOOT_CMD_', [o['name'] for o in spec['operations']['list']]))
defs = {d['name']: d for d in spec['definitions']}
check('events match', enum('ringboot_event'), c('RINGBOOT_EVENT_', defs['event']['entries']))
check('states match', enum('ringboot_state'), c('RINGBOOT_STATE_', defs['state']['entries']))
check('family name', re.search(r'RINGBOOT_GENL_NAME\s+"(\w+)"', hdr).group(1), spec['name'])
check('events group', re.search(r'RINGBOOT_MCGRP_EVENTS\s+"(\w+)"', hdr).group(1), spec['mcast-groups']['list'][0]['name'])
print('1..%d' % n)
PY
