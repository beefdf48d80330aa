#!/usr/bin/env python3
"""damage-bundle.py GOOD OUTDIR: the damaged copies of a good bundle that
fixtures/bad/MANIFEST names (bundle-*.bundle): truncations, changed
bytes, a newer format, huge declared lengths, the bundle twice."""
import os
import sys

good = open(sys.argv[1], "rb").read()
out = sys.argv[2]
n = len(good)


def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def item_len(b, i):
    """Length of the CBOR data item at b[i] (definite lengths only)."""
    start = i
    ib = b[i]
    i += 1
    major, info = ib >> 5, ib & 31
    if info < 24:
        val = info
    else:
        k = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        val = int.from_bytes(b[i:i + k], "big")
        i += k
    if major in (2, 3):
        i += val
    elif major == 4:
        for _ in range(val):
            i += item_len(b, i)
    elif major == 5:
        for _ in range(2 * val):
            i += item_len(b, i)
    elif major == 6:
        i += item_len(b, i)
    return i - start


header = item_len(good, 0)
for cut in (1, 10, 100, 1000):
    put("bundle-trunc-%d.bundle" % cut, good[:cut])
put("bundle-trunc-half.bundle", good[:n // 2])
put("bundle-trunc-last-byte.bundle", good[:n - 1])


def flip(at, name):
    b = bytearray(good)
    b[at] ^= 0x01
    put(name, bytes(b))


run = header  # the first run item, after the address and the heads
while good[run + 1] != 1:
    run += item_len(good, run)
flip(run + 29, "bundle-flip-body.bundle")       # the run's previous chain
# the tail: ... segment signature, [5, checksum(16)], [6, signature(64)]
flip(n - 90, "bundle-flip-segsig.bundle")       # HCM-PA05's segment signature
flip(n - 80, "bundle-flip-checksum.bundle")     # the checksum
flip(n - 1, "bundle-flip-signature.bundle")     # the sender's signature
# format version 5: the byte after the magic
b = bytearray(good)
b[good.index(b"scamdex-bundle") + 14] = 5
put("bundle-format-5.bundle", bytes(b))
# format version 1 (before addresses and roles)
b[good.index(b"scamdex-bundle") + 14] = 1
put("bundle-format-1.bundle", bytes(b))
# after the header, an op item whose body declares 2^62 bytes
put("bundle-huge-declared.bundle",
    good[:header] + b"\x84\x02\x01\x01\x5b\x40" + b"\x00" * 7 + b"abc")
# the header's version vector announcing 2^32 - 1 entries
vv = good[:header].rindex(b"\x81")
put("bundle-huge-vector.bundle", good[:vv] + b"\x9a\xff\xff\xff\xff" + good[vv + 1:])
# the good bundle twice in one file
put("bundle-twice.bundle", good + good)
