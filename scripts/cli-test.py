#!/usr/bin/env python3
"""End-to-end checks of the `pantau` binary: `subject`, `import reports`,
`verify-history` (including a tampered history) and graceful shutdown of
`serve` on SIGINT. Everything runs in a temporary directory on SQLite.

Usage: scripts/cli-test.py --binary .build/debug/pantau
"""
import argparse, re, json, os, signal, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request

import e2e
from e2e import check, free_port, wait_up


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

    r = run(binary, "platform", "webhook", "--platform", "tiktok", "--url", "https://liaison.tiktok.example/orders", cwd=work)
    check("platform webhook prints a signing secret once", r.returncode == 0 and "whsec_" in r.stdout, r.stdout + r.stderr)
    r = run(binary, "platform", "show", cwd=work)
    check("platform show lists the webhook without the secret",
          r.returncode == 0 and "liaison.tiktok.example" in r.stdout and "whsec_" not in r.stdout, r.stdout + r.stderr)
    r = run(binary, "platform", "webhook", "--platform", "tiktok", "--url", "ftp://x", cwd=work)
    check("platform webhook refuses a non-http URL naming the flag", r.returncode != 0 and "--url" in r.stderr, r.stderr)
    for inside, says in [("http://169.254.169.254/latest/meta-data/", "internal network"), ("http://127.0.0.1:22/", "internal network"),
                         ("http://[::1]:6379/", "internal network"), ("http://10.0.0.1/", "internal network"),
                         ("http://2130706433/", "four decimal numbers"), ("https://user:pw@liaison.tiktok.example/", "user name")]:
        r = run(binary, "platform", "webhook", "--platform", "tiktok", "--url", inside, cwd=work)
        check(f"platform webhook refuses {inside}", r.returncode != 0 and says in r.stderr, r.stderr)
    r = run(binary, "platform", "show", cwd=work)
    check("a refused webhook changed nothing", "liaison.tiktok.example/orders" in r.stdout and "169.254" not in r.stdout, r.stdout)
    r = run(binary, "platform", "liaison", "--platform", "x", "--name", "Legal X", "--email", "legal@x.test", cwd=work)
    check("platform liaison sets the liaison", r.returncode == 0 and "legal@x.test" in r.stdout, r.stdout + r.stderr)
    r = run(binary, "platform", "liaison", "--platform", "x", "--name", "Legal X", "--email", "not-an-address", cwd=work)
    check("platform liaison refuses a bad address naming the flag", r.returncode != 0 and "--email" in r.stderr, r.stderr)
    r = run(binary, "platform", "deadline", "--platform", "x", "--category", "perjudian", "--hours", "12", cwd=work)
    check("platform deadline sets an override", r.returncode == 0 and "12 h" in r.stdout, r.stdout + r.stderr)
    r = run(binary, "platform", "deadline", "--platform", "x", "--category", "nonsense", "--hours", "12", cwd=work)
    check("platform deadline refuses an unknown category", r.returncode != 0 and "--category" in r.stderr, r.stderr)
    r = run(binary, "platform", "deadline", "--platform", "x", "--category", "perjudian", "--hours", "0", cwd=work)
    check("platform deadline refuses 0 hours naming the flag", r.returncode != 0 and "--hours" in r.stderr, r.stderr)
    r = run(binary, "platform", "show", cwd=work)
    check("platform show lists liaison and override", r.returncode == 0 and "Legal X <legal@x.test>" in r.stdout and "perjudian=12h" in r.stdout,
          r.stdout + r.stderr)
    r = run(binary, "token", "create", "--platform", "tiktok", "--name", "TikTok connector", cwd=work)
    check("token create --platform makes the platform's connector account and a token",
          r.returncode == 0 and "connector@tiktok.platform.pantau" in r.stdout and r.stdout.strip().splitlines()[-1].startswith("pnt_"), r.stdout + r.stderr)
    r = run(binary, "token", "create", "--platform", "web", "--name", "nope", cwd=work)
    check("token create --platform refuses 'web'", r.returncode != 0 and "--platform" in r.stderr, r.stderr)

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

    accounts(binary)
    blocklist(binary)
    transparency(binary)

    bench = tempfile.mkdtemp(prefix="pantau-dispatch-")
    r = run(binary, "bench", "dispatch", "--orders", "60", "--workers", "2", cwd=bench)
    check("bench dispatch delivers every order once", r.returncode == 0 and "duplicates: 0; lost: 0" in r.stdout, r.stdout + r.stderr)

    print(f"{e2e.passed} passed, {e2e.failed} failed")
    sys.exit(1 if e2e.failed else 0)


def blocklist(binary):
    """Import of a dirty list, exports and the 2018 demo, on a fresh database."""
    work = tempfile.mkdtemp(prefix="pantau-cli-blocklist-")
    r = run(binary, "bench", "gen-blocklist", "20000", "--output", "dirty.txt", cwd=work)
    check("bench gen-blocklist writes a dirty list", r.returncode == 0 and os.path.getsize(os.path.join(work, "dirty.txt")) > 100_000, r.stdout + r.stderr)
    r = run(binary, "blocklist", "import", "dirty.txt", "--reason", "Daftar lama", "--basis", "nope", "--quiet", cwd=work)
    check("blocklist import refuses an unknown basis naming the flag", r.returncode != 0 and "--basis" in r.stderr, r.stdout + r.stderr)
    r = run(binary, "blocklist", "import", "dirty.txt", "--reason", "Daftar blokir lama (migrasi)", "--basis", "uu-ite-27-2", "--quiet", cwd=work)
    out = r.stdout
    check("blocklist import summarises accepted, IPs, duplicates and rejects with line numbers",
          r.returncode == 0 and "accepted:" in out and "moved to the IP list:" in out and "duplicates dropped:" in out and "e.g. line " in out, out + r.stderr)
    r = run(binary, "export", "rpz", "--output", "zone.rpz", cwd=work)
    zone = open(os.path.join(work, "zone.rpz")).read() if r.returncode == 0 else ""
    check("export rpz writes the zone with its serial", "@ SOA localhost. hostmaster.localhost. 1 " in zone and " CNAME .\n" in zone, r.stderr)
    check("the export holds only clean ASCII names", zone.isascii() and "BAD NAME" not in zone.upper() and "..com" not in zone)
    r = run(binary, "export", "ips", cwd=work)
    check("export ips to standard output", r.returncode == 0 and r.stdout.startswith("# Pantau IP blocklist"), r.stderr)
    r = run(binary, "export", "nonsense", cwd=work)
    check("export names a bad format", r.returncode != 0 and "format" in r.stderr, r.stderr)
    r = run(binary, "demo", cwd=work)
    check("demo records the 2018 story", r.returncode == 0 and "normalised 2018-07-10" in r.stdout, r.stdout + r.stderr)
    r = run(binary, "demo", cwd=work)
    check("demo runs once", r.returncode == 0 and "already" in r.stdout, r.stdout + r.stderr)
    db = sqlite3.connect(os.path.join(work, "pantau.sqlite"))
    kinds = [row[0] for row in db.execute("SELECT kind FROM block_events WHERE app_id IS NOT NULL ORDER BY occurred_at")]
    db.close()
    check("the 2018 history: proposed, approved, active, lift proposed and approved, lifted",
          kinds[:2] == ["block_proposed", "block_approved"] and "lift_approved" in kinds and kinds.count("block_lifted") == 8, str(kinds))



def transparency(binary):
    """Statements of reasons and official accounts' figures from the CLI, on a fresh database."""
    work = tempfile.mkdtemp(prefix="pantau-cli-transparency-")
    r = run(binary, "seed", "--cases", "200", "--reports", "600", cwd=work)
    check("seed --reports spreads reports over the cases", r.returncode == 0 and "200 cases seeded" in r.stdout, r.stdout + r.stderr)
    r = run(binary, "export", "statements", "--format", "csv", "--output", "sor.csv", cwd=work)
    text = open(os.path.join(work, "sor.csv"), newline="").read() if r.returncode == 0 else ""
    check("export statements writes a CSV with the DSA fields", text.startswith("uuid,decision_visibility,decision_ground,") and text.count("\r\n") > 50,
          r.stderr + text[:200])
    r = run(binary, "export", "statements", "--check", cwd=work)
    checked = re.search(r"(\d+) statements checked against the DSA Transparency Database's rules: all valid", r.stdout)
    check("every statement passes the DSA Transparency Database's rules", r.returncode == 0 and checked and int(checked.group(1)) > 50,
          r.stdout[-500:] + r.stderr)
    r = run(binary, "export", "statements", "--since", "2999-01-01", cwd=work)
    check("export statements --since in the future writes nothing", r.returncode == 0 and r.stdout == "", r.stdout[:200] + r.stderr)
    r = run(binary, "export", "statements", "--format", "xml", cwd=work)
    check("export statements names a bad --format", r.returncode != 0 and "--format" in r.stderr, r.stderr)
    r = run(binary, "export", "statements", "--since", "kemarin", cwd=work)
    check("export statements names a bad --since", r.returncode != 0 and "--since" in r.stderr, r.stderr)
    with open(os.path.join(work, "bad.csv"), "w") as f:
        f.write("platform,handle,taken_at,followers,posts,likes,views\ntiktok,kemkominfo,2026-11-01,100,,,\ntiktok,kemkominfo,2026-11-02,banyak,,,\n")
    r = run(binary, "official-accounts", "import-snapshots", "bad.csv", cwd=work)
    check("import-snapshots refuses a bad file naming the line, exit 1", r.returncode == 1 and "line 3:" in r.stderr, r.stdout + r.stderr)
    r = run(binary, "official-accounts", "list", cwd=work)
    check("nothing imported from the bad file", r.returncode == 0 and "kemkominfo" in r.stdout and "no figures" in r.stdout, r.stdout + r.stderr)
    with open(os.path.join(work, "good.csv"), "w") as f:
        f.write("platform,handle,taken_at,followers,posts,likes,views\ntiktok,@kemkominfo,2026-11-01,1200000,950,,\n")
    r = run(binary, "official-accounts", "import-snapshots", "good.csv", cwd=work)
    r2 = run(binary, "official-accounts", "list", cwd=work)
    check("import-snapshots stores the figures", r.returncode == 0 and "imported 1 snapshots" in r.stdout and "1200000 followers" in r2.stdout,
          r.stdout + r.stderr + r2.stdout)
    r = run(binary, "official-accounts", "publish-webhook", "--platform", "tiktok", "--handle", "tidakada", "--url", "https://desk.example/publish", cwd=work)
    check("publish-webhook refuses an account that is not registered", r.returncode != 0 and "tidakada" in r.stderr, r.stdout + r.stderr)
    r = run(binary, "official-accounts", "publish-webhook", "--platform", "tiktok", "--handle", "@kemkominfo", "--url", "ftp://desk.example", cwd=work)
    check("publish-webhook refuses a URL that is not http(s)", r.returncode != 0 and "http://" in r.stderr, r.stdout + r.stderr)
    r = run(binary, "official-accounts", "publish-webhook", "--platform", "tiktok", "--handle", "@kemkominfo", "--url", "http://169.254.169.254/", cwd=work)
    check("publish-webhook refuses an internal address", r.returncode != 0 and "internal network" in r.stderr, r.stdout + r.stderr)
    r = run(binary, "official-accounts", "publish-webhook", "--platform", "tiktok", "--handle", "@kemkominfo", "--url", "https://desk.example/publish", cwd=work)
    check("publish-webhook sets the connector and prints the secret once", r.returncode == 0 and "whsec_" in r.stdout and "desk.example" in r.stdout,
          r.stdout + r.stderr)

def api_me(port, token):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def accounts(binary):
    """Accounts and tokens through the binary, on a fresh database."""
    work = tempfile.mkdtemp(prefix="pantau-cli-accounts-")
    env = dict(os.environ, PANTAU_BCRYPT_COST="4")
    port = free_port()
    log = open(os.path.join(work, "serve.out"), "w")
    server = subprocess.Popen([binary, "serve", "--port", str(port)], cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        check("serve on an empty database starts", wait_up(port))
        with open(os.path.join(work, "serve.out")) as f:
            out = f.read()
        check("first start prints the admin's one-time password once", "one-time password:" in out and "admin@pantau.local" in out, out[-500:])

        def cli(*args):
            return subprocess.run([binary, *args], cwd=work, capture_output=True, text=True, timeout=120, env=env)

        r = cli("user", "add", "--email", "Analis@Kominfo.test", "--role", "analyst")
        check("user add prints a one-time password", r.returncode == 0 and "one-time password:" in r.stdout, r.stdout + r.stderr)
        r = cli("user", "add", "--email", "analis@kominfo.test", "--role", "analyst")
        check("user add refuses a duplicate e-mail (exit 1)", r.returncode == 1 and "already exists" in r.stderr, r.stdout + r.stderr)
        r = cli("user", "add", "--email", "p@tiktok.test", "--role", "platform")
        check("user add refuses a platform account without --platform", r.returncode == 1 and "--platform" in r.stderr, r.stdout + r.stderr)
        r = cli("user", "add", "--email", "x@kominfo.test", "--role", "wizard")
        check("user add names a bad role", r.returncode != 0 and "--role" in r.stderr, r.stdout + r.stderr)
        r = cli("token", "create", "--user", "analis@kominfo.test", "--name", "ci")
        token = r.stdout.strip().splitlines()[-1] if r.returncode == 0 else ""
        check("token create prints the token once", token.startswith("pnt_"), r.stdout + r.stderr)
        status, body = api_me(port, token)
        check("the token works against the running server", status == 200 and body.get("role") == "analyst", f"{status} {body}")
        r = cli("token", "list")
        token_id = r.stdout.split("\t")[0] if r.returncode == 0 else ""
        check("token list shows the token without its secret", token_id and token not in r.stdout, r.stdout + r.stderr)
        r = cli("token", "revoke", "--id", token_id)
        status, _ = api_me(port, token)
        check("a revoked token is refused (401)", r.returncode == 0 and status == 401, f"{r.stdout}{r.stderr} {status}")
        r = cli("user", "disable", "--email", "analis@kominfo.test")
        r2 = cli("user", "list")
        check("user disable and list", r.returncode == 0 and "analis@kominfo.test\tanalyst\tdisabled" in r2.stdout, r.stdout + r2.stdout + r2.stderr)
    finally:
        e2e.stop_server(server)
        log.close()


if __name__ == "__main__":
    main()
