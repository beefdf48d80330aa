#!/usr/bin/env python3
"""make-seeds.py: (re)write the seed corpora tests/fuzz/corpus/<target>/
from fixtures/ and the reference data. Files are named by the SHA-1 of
their content (as libFuzzer names its own), so running this again only
adds. Usage: python3 tests/fuzz/make-seeds.py [REFERENCE_DIR]"""
import csv, glob, hashlib, os, sys

top = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..'))
ref = sys.argv[1] if len(sys.argv) > 1 else os.path.join(top, 'fixtures', 'reference')
corpus = os.path.join(top, 'tests', 'fuzz', 'corpus')


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)


def vietqr_samples():
    p = os.path.join(ref, 'vietqr-samples.txt')
    if not os.path.exists(p):
        return []
    return [l.rstrip('\n') for l in open(p, encoding='utf-8')
            if l.strip() and not l.startswith('#')]


# normalize: selector byte (kind 0..6, 7 fold, 8 bank lookup) + text
KINDS = {'auto': 0, 'phone': 1, 'bank': 2, 'iban': 3, 'handle': 4,
         'domain': 5, 'account': 6, 'fold': 7, 'banklookup': 8}
examples = {
    'phone': ['079.555.5373', '0795 555 373', '(079) 555-5373', '+84 79 555 5373',
              '84795555373', '0084795555373', '01632953760', '0163 295 3760',
              '+84 0912345678', '024 3825 1234', '+14155550123', '1800 1234',
              '+84795555373', '０９１２３４５６７８'],
    'bank': ['VCB 0011 0040 12345', 'Vietcombank:0011004012345', '970436-0011004012345',
             '970436:0011004012345', 'BIDV 12010000123456', 'Techcombank 19036512345012',
             'BVBank PSP0123ABC', 'Ngân hàng TMCP Ngoại thương 0011004012345'],
    'iban': ['DE89 3704 0044 0532 0130 00', 'GB82WEST12345698765432', 'de89370400440532013000',
             'DE89370400440532013001'],
    'handle': ['@some_user', 't.me/some_user', 'telegram:Some_User', 'zalo.me/0912345678',
               'facebook.com/profile.php?id=100012345678901', 'm.me/some.name',
               'viber:+84912345678', 'https://t.me/thamtu_hoangnam', 'zalo:+84912345678'],
    'domain': ['https://Vietcombank-Xac-Thuc.com/login', 'vietcombank-xac-thuc.com',
               'http://bücher.example/x?y=1', 'xn--bcher-kva.example', 'EVN-dang-nhap44.TOP'],
    'account': ['0011004012345', '1012 555 888', '123456', '1234567890123456789'],
    'fold': ['Ngân hàng TMCP Đầu tư và Phát triển Việt Nam', '  VCB  ', 'Công an tỉnh Kon Tum'],
    'banklookup': ['VCB', 'Vietcombank', '970436', 'BFTVVNVX', 'ngan hang ngoai thuong', 'Sacombank'],
}
for kind, values in examples.items():
    for v in values:
        put('normalize', bytes([KINDS[kind]]) + v.encode())
        if kind in ('phone', 'bank', 'handle', 'domain', 'account', 'iban'):
            put('normalize', bytes([0]) + v.encode())      # auto-detect
            put('normalize', bytes([KINDS[kind] + 9 * 12]) + v.encode())  # small buffer

demo = os.path.join(top, 'fixtures', 'demo', 'reports.csv')
if os.path.exists(demo):
    rows = list(csv.DictReader(open(demo, encoding='utf-8')))
    seen = set()
    for r in rows:
        for col, kind in (('phone', 'phone'), ('handle', 'handle'), ('url', 'domain'),
                          ('account', 'account'), ('vietqr', 'bank')):
            v = r.get(col) or ''
            if v and (col, v) not in seen and len(seen) < 120:
                seen.add((col, v))
                put('normalize', bytes([KINDS[kind]]) + v.encode())
        if r.get('bank') and r.get('account') and ('ba', r['bank']) not in seen:
            seen.add(('ba', r['bank']))
            put('normalize', bytes([KINDS['bank']]) + (r['bank'] + ' ' + r['account']).encode())

for q in vietqr_samples():
    put('vietqr', q)
    put('normalize', bytes([KINDS['bank']]) + q.encode())

# import_csv / import_jsonl: the demo header with a few rows each, the
# Vietnamese header names, and the hostile files of the catalogue.
if os.path.exists(demo):
    lines = open(demo, encoding='utf-8').read().splitlines(True)
    head, body = lines[0], lines[1:]
    for i in range(0, min(len(body), 60), 6):
        put('import_csv', head + ''.join(body[i:i + 3]))
    import json
    rows = list(csv.DictReader(open(demo, encoding='utf-8')))
    for i in range(0, min(len(rows), 60), 6):
        put('import_jsonl', ''.join(
            json.dumps({k: v for k, v in r.items() if v}, ensure_ascii=False) + '\n'
            for r in rows[i:i + 3]))
    put('import_jsonl', '{"phone":["0795550101","+84 79 555 0102"],"agency":"PA05",'
        '"amount":1500000,"incident_date":"02/11/2026"}\n')
bad = os.path.join(top, 'fixtures', 'bad')
for p in sorted(glob.glob(os.path.join(bad, 'bad-csv-*.csv'))):
    if os.path.getsize(p) <= 65536:
        put('import_csv', open(p, 'rb').read())
for p in sorted(glob.glob(os.path.join(bad, 'bad-jsonl-*.jsonl'))):
    put('import_jsonl', open(p, 'rb').read())
