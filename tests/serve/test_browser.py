#!/usr/bin/env python3
"""test_browser.py SCAMDEX FIXTURES_DIR: the web page of 'scamdex serve'
driven in headless Chromium through the DevTools protocol (a small
WebSocket client below, standard library only): sign in, search a
reported number, the verdict card in Vietnamese, the English switch, the
links graph, and a QR image made by qrencode uploaded and answered.
Prints TAP; skips (with the reason) when chromium or qrencode is missing.
SCREENSHOT_DIR, when set, receives a PNG of each step."""
import base64, json, os, re, shutil, socket, subprocess, sys, tempfile, time
import urllib.request
from tap import end, ok

scamdex, fixtures = sys.argv[1], sys.argv[2]


chromium = shutil.which("chromium") or shutil.which("chromium-browser")
qrencode = shutil.which("qrencode")
if not chromium or not qrencode:
    print(f"1..0 # SKIP {'chromium' if not chromium else 'qrencode'} not installed")
    sys.exit(0)

tmp = tempfile.mkdtemp(prefix="scamdex-browser.")
env = dict(os.environ, SCAMDEX_DB=os.path.join(tmp, "db"),
           SCAMDEX_TODAY="2026-11-28", NO_COLOR="1",
           LSAN_OPTIONS="print_suppressions=0:suppressions=" +
           os.path.join(os.path.dirname(os.path.abspath(__file__)), "lsan.supp"))
VIETQR = ("00020101021138580010A000000727012800069704070114190304136010180"
          "208QRIBFTTA53037045802VN63040283")
procs = []


def cleanup():
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    shutil.rmtree(tmp, ignore_errors=True)


def cli(*args, stdin=None):
    return subprocess.run([scamdex, *args], input=stdin, capture_output=True,
                          text=True, env=env, check=True)


try:
    for line in open(os.path.join(fixtures, "reports.jsonl")):
        cli("report", "--json", "-", stdin=line)
    cli("report", "--vietqr", VIETQR, "--agency", "PA05 - Công an tỉnh Kon Tum",
        "--category", "extortion", "--incident-date", "2026-11-20")
    token = cli("token", "add", "quay-03", "--role", "teller").stdout.strip()
    qr_png = os.path.join(tmp, "vietqr.png")
    subprocess.run([qrencode, "-o", qr_png, "-s", "6", "-m", "4", VIETQR], check=True)

    srv = subprocess.Popen([scamdex, "serve", "--listen", "127.0.0.1:0",
                            "--rate", "teller=0"], env=env,
                           stderr=subprocess.PIPE, text=True)
    procs.append(srv)
    m = re.search(r"listening on (http://127\.0\.0\.1:\d+/)", srv.stderr.readline())
    ok(m is not None, "the service starts")
    url = m.group(1)

    profile = os.path.join(tmp, "profile")
    os.mkdir(profile)
    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--user-data-dir=" + profile, "--remote-debugging-port=0",
         "--window-size=1100,1400", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(browser)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(300):
        if os.path.exists(port_file) and open(port_file).read().count("\n") >= 1:
            break
        time.sleep(0.1)
    dport = int(open(port_file).read().split()[0])
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{dport}/json/list"))
    page = next(t for t in targets if t["type"] == "page")
    ws_path = re.sub(r"^ws://[^/]+", "", page["webSocketDebuggerUrl"])

    # ---- a WebSocket client, just enough for the DevTools protocol ----
    sock = socket.create_connection(("127.0.0.1", dport), timeout=30)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {ws_path} HTTP/1.1\r\nHost: 127.0.0.1:{dport}\r\n"
                  "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head

    def recv_exact(k):
        buf = b""
        while len(buf) < k:
            chunk = sock.recv(k - len(buf))
            if not chunk:
                raise EOFError("devtools closed")
            buf += chunk
        return buf

    def ws_send(text):
        data = text.encode()
        mask = os.urandom(4)
        hdr = bytearray([0x81])
        if len(data) < 126:
            hdr.append(0x80 | len(data))
        elif len(data) < 65536:
            hdr.append(0x80 | 126)
            hdr += len(data).to_bytes(2, "big")
        else:
            hdr.append(0x80 | 127)
            hdr += len(data).to_bytes(8, "big")
        sock.sendall(bytes(hdr) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def ws_recv():
        msg = b""
        while True:
            b0, b1 = recv_exact(2)
            ln = b1 & 0x7F
            if ln == 126:
                ln = int.from_bytes(recv_exact(2), "big")
            elif ln == 127:
                ln = int.from_bytes(recv_exact(8), "big")
            payload = recv_exact(ln)
            op = b0 & 0x0F
            if op == 0x9:  # ping: pong
                continue
            msg += payload
            if b0 & 0x80:
                return msg.decode()

    next_id = [0]

    def cdp(method, **params):
        next_id[0] += 1
        mid = next_id[0]
        ws_send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            r = json.loads(ws_recv())
            if r.get("id") == mid:
                if "error" in r:
                    raise RuntimeError(f"{method}: {r['error']}")
                return r.get("result", {})

    def js(expr):
        r = cdp("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    def wait_for(expr, timeout=15):
        end = time.time() + timeout
        while time.time() < end:
            v = js(expr)
            if v:
                return v
            time.sleep(0.1)
        return None

    shots = os.environ.get("SCREENSHOT_DIR")

    def screenshot(name):
        if shots:
            png = base64.b64decode(cdp("Page.captureScreenshot", format="png")["data"])
            open(os.path.join(shots, name + ".png"), "wb").write(png)

    cdp("Page.enable")
    cdp("Runtime.enable")
    cdp("Page.navigate", url=url)
    ok(wait_for("document.readyState === 'complete' && !!document.getElementById('q')"),
       "the page loads")
    ok(js("document.documentElement.lang") == "vi" and
       js("document.querySelector('#go').textContent") == "Kiểm tra",
       "the page is in Vietnamese by default", js("document.querySelector('#go').textContent"))
    # a look-up before signing in asks for the token, and shows no card
    js("document.getElementById('q').value = '0385551234';"
       "document.getElementById('search-form').requestSubmit(); true")
    err = wait_for("!document.getElementById('error').hidden && "
                   "document.getElementById('error').textContent")
    ok(err == "Hãy nhập mã truy cập trước." and js("document.getElementById('card').hidden"),
       "a look-up without a token asks for one", err)
    js(f"document.getElementById('token').value = {json.dumps(token)};"
       "document.getElementById('login-form').requestSubmit(); true")
    who = wait_for("document.getElementById('whoami').textContent.includes('teller') && "
                   "document.getElementById('whoami').textContent")
    ok(who and "quay-03" in who, "signing in with the token shows name and role", who)

    # a reported number, typed as a teller would: a bare number is read
    # both ways (phone, account at every bank), the most serious first
    js("document.getElementById('q').value = '0385551234';"
       "document.getElementById('search-form').requestSubmit(); true")
    ok(wait_for("!document.getElementById('card').hidden && "
                "document.getElementById('card').className === 'v-reported'"),
       "the verdict card appears, red for a reported number",
       js("document.getElementById('card').className"))
    verdict = js("document.getElementById('verdict').textContent")
    ok(verdict == "CẢNH BÁO: ĐÃ BỊ TỐ GIÁC LỪA ĐẢO", "the verdict in Vietnamese", verdict)
    facts = js("document.getElementById('facts').textContent")
    ok("Không chuyển tiền" in facts and "Số tố giác" in facts and "2" in facts,
       "the card says what to do and how many reports (bank view: 2)", facts)
    ok("Cách hiểu khác" in facts and "số tài khoản 0385551234: Chưa có tố giác nào" in facts,
       "the other reading of the bare number is on the card", facts)
    rows = wait_for("document.querySelectorAll('#report-rows tr').length")
    ok(rows == 2 and "Công an tỉnh Kon Tum" in js("document.getElementById('reports').textContent"),
       "the reports table: the bank-visible reports with their agency", rows)
    screenshot("1-verdict-vi")

    js("document.getElementById('lang-en').click(); true")
    verdict = js("document.getElementById('verdict').textContent")
    ok(verdict == "WARNING: REPORTED IN SCAMS" and js("document.documentElement.lang") == "en",
       "the English switch", verdict)
    screenshot("2-verdict-en")

    js("document.getElementById('show-graph').click(); true")
    ok(wait_for("!document.getElementById('graph').hidden && "
                "document.getElementById('graph-img').complete && "
                "document.getElementById('graph-img').naturalWidth > 100"),
       "the links graph is drawn (SVG from the service)")
    screenshot("3-graph")

    doc = cdp("DOM.getDocument")
    node = cdp("DOM.querySelector", nodeId=doc["root"]["nodeId"], selector="#qr-file")
    cdp("DOM.setFileInputFiles", files=[qr_png], nodeId=node["nodeId"])
    ident = wait_for("document.getElementById('ident').textContent.includes('19030413601018') && "
                     "document.getElementById('ident').textContent")
    ok(ident is not None, "a QR image upload is decoded to its account", ident)
    bank = js("document.getElementById('bank').textContent")
    shown = js("document.getElementById('card').textContent + document.getElementById('q').value")
    ok("Techcombank" in bank and "970407" not in shown,
       "the card names the bank, not its BIN", bank)
    ok(js("document.getElementById('card').className") == "v-reported" and
       js("document.getElementById('verdict').textContent") == "WARNING: REPORTED IN SCAMS",
       "the QR code's account is reported", js("document.getElementById('verdict').textContent"))
    screenshot("4-qr")
    js("document.getElementById('lang-vi').click(); true")
    ok(js("document.getElementById('verdict').textContent") == "CẢNH BÁO: ĐÃ BỊ TỐ GIÁC LỪA ĐẢO",
       "back to Vietnamese")

    # the page's look-ups are in the audit log under the teller's name
    srv.terminate()
    srv.wait(timeout=10)
    out = subprocess.run([scamdex, "audit", "--who", "quay-03"], capture_output=True,
                         text=True, env=env).stdout
    ok("phone +84385551234 reported" in out and "bank 970407:19030413601018 reported" in out,
       "the page's look-ups (search and QR) are in the audit log", out)
    try:
        cdp("Browser.close")
    except Exception:
        pass
except Exception as e:  # a step that could not run is a failure, said plainly
    ok(False, "the browser test ran to the end", repr(e))
finally:
    cleanup()
end()
