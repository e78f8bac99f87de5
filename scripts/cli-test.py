#!/usr/bin/env python3
"""End-to-end checks of the `pantau` binary: `subject`, `import reports`,
`verify-history` (including a tampered history) and graceful shutdown of
`serve` on SIGINT. Everything runs in a temporary directory on SQLite.

Usage: scripts/cli-test.py --binary .build/debug/pantau
"""
import argparse, json, os, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request

passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def run(binary, *args, cwd):
    return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    binary = os.path.abspath(parser.parse_args().binary)
    work = tempfile.mkdtemp(prefix="pantau-cli-")

    r = run(binary, "subject", "https://vm.tiktok.com/ZSabc123/", cwd=work)
    check("subject prints the canonical subject", r.returncode == 0 and json.loads(r.stdout)["key"] == "tiktok:shortlink:ZSabc123", r.stdout + r.stderr)
    r = run(binary, "subject", "@KemKominfo", "--platform", "tiktok", cwd=work)
    check("subject of a handle", r.returncode == 0 and json.loads(r.stdout)["key"] == "tiktok:account:kemkominfo", r.stdout + r.stderr)
    r = run(binary, "subject", "javascript:alert(1)", cwd=work)
    check("subject refuses garbage with exit 1 and a reason", r.returncode == 1 and "http" in r.stderr, f"{r.returncode} {r.stderr}")

    with open(os.path.join(work, "reports.csv"), "w") as f:
        f.write("url,category,description\n")
        f.write("https://judi.example/,perjudian,situs judi\n")
        f.write("javascript:x,hoaks,\n")
        f.write("https://www.tiktok.com/@akun/video/7301234567890123456,pornografi,\n")
    r = run(binary, "import", "reports", "reports.csv", "--quiet", cwd=work)
    check("import stores valid lines and names the bad one", r.returncode == 1 and "imported 2 report(s)" in r.stdout and "line 3:" in r.stdout, r.stdout + r.stderr)

    r = run(binary, "verify-history", cwd=work)
    check("verify-history passes on intact chains", r.returncode == 0 and "all chains intact" in r.stdout, r.stdout + r.stderr)
    db = sqlite3.connect(os.path.join(work, "pantau.sqlite"))
    db.execute("UPDATE case_events SET payload = '{\"forged\":\"1\"}' WHERE sequence = 2")
    db.commit()
    db.close()
    r = run(binary, "verify-history", cwd=work)
    check("verify-history finds tampering (exit 1)", r.returncode == 1 and "BROKEN" in r.stdout, r.stdout + r.stderr)

    r = run(binary, "serve", "--port", "99999", cwd=work)
    check("a bad flag stops start-up naming it", r.returncode != 0 and "--port" in r.stderr, r.stderr)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([binary, "serve", "--port", str(port)], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    up = False
    for _ in range(300):
        try:
            up = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read() == b"ok"
            break
        except Exception:
            time.sleep(0.1)
    check("serve answers /healthz", up)
    server.send_signal(signal.SIGINT)
    try:
        code = server.wait(timeout=20)
        check("serve shuts down gracefully on SIGINT (exit 0)", code == 0, f"exit {code}")
    except subprocess.TimeoutExpired:
        server.kill()
        check("serve shuts down gracefully on SIGINT (exit 0)", False, "did not exit within 20 s")

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
