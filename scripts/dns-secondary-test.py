#!/usr/bin/env python3
"""Pantau as the DNS primary of its RPZ zone, judged by real secondaries:
`pantau serve --dns` on 127.0.0.1, BIND 9 (`named`, TSIG key) and Unbound
(address list: Unbound 1.17 has no TSIG) as RPZ secondaries on 127.0.0.1,
each with a local root (every open name resolves to 192.0.2.1). Both
transfer the zone and block its names; a new block decision reaches both
through NOTIFY and IXFR (not AXFR), and a normalisation removes it again;
a client not allowed, or with a wrong TSIG key, is refused. Kills only the
processes it started.

Needs: bind9, unbound, dnsutils (Debian).
Usage: scripts/dns-secondary-test.py --binary .build/debug/pantau
"""
import argparse, base64, json, os, signal, subprocess, sys, tempfile, time, urllib.request

import e2e
from e2e import SENTINEL, api, check, dig, free_port, named_conf, stop_process, wait_for, unbound_rpz_secondary, unbound_server_conf, wait_up, write_root_zone

ZONE = "rpz.pantau"
KEY = "pantau-isp-a"






def blocked(port, name):
    return dig(port, name)[0] == "NXDOMAIN"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    binary = os.path.abspath(parser.parse_args().binary)
    work = tempfile.mkdtemp(prefix="pantau-dns-")
    secret = base64.b64encode(os.urandom(32)).decode()
    http_port, dns_port, bind_port, unbound_port = free_port(), free_port(), free_port(), free_port()
    env = dict(os.environ, PANTAU_BCRYPT_COST="4", PANTAU_RPZ_ZONE=ZONE,
               # Unbound may transfer by its address (127.0.0.1); BIND signs with its key; 127.0.0.5 may not.
               PANTAU_DNS_ALLOW_TRANSFER="127.0.0.1/32", PANTAU_DNS_TSIG_KEYS=f"{KEY}:{secret}",
               PANTAU_DNS_NOTIFY=f"127.0.0.1:{bind_port},127.0.0.1:{unbound_port}")

    def cli(*args):
        return subprocess.run([binary, *args], cwd=work, capture_output=True, text=True, timeout=120, env=env)

    tokens = {}
    for email, role in [("analis@kominfo.test", "analyst"), ("sup@kominfo.test", "supervisor")]:
        cli("user", "add", "--email", email, "--role", role)
        r = cli("token", "create", "--user", email, "--name", "dns-test")
        tokens[role] = r.stdout.strip().splitlines()[-1] if r.returncode == 0 else ""
    check("accounts and tokens created", all(t.startswith("pnt_") for t in tokens.values()), str(tokens))

    base = f"http://127.0.0.1:{http_port}"
    server = subprocess.Popen([binary, "serve", "--port", str(http_port), "--dns", f"127.0.0.1:{dns_port}"], cwd=work,
                              stdout=open(os.path.join(work, "serve.out"), "w"), stderr=subprocess.STDOUT, env=env)
    named = unbound = None
    reason = "Konten negatif yang terverifikasi dari aduan masyarakat dan tidak diturunkan."

    def block(names):
        status, body = api(base, "/api/v1/blocks", tokens["analyst"], dict(names=names, reason=reason, legal_bases=["uu-ite-27-1"]))
        if status != 201:
            return status, body
        return api(base, f"/api/v1/block-proposals/{body['id']}/review", tokens["supervisor"], {"approve": True})

    def lift(name):
        _, entries = api(base, "/api/v1/blocks?state=active", tokens["analyst"])
        ids = [e["id"] for e in entries.get("entries", []) if e["name"] == name]
        status, body = api(base, "/api/v1/blocks/lift", tokens["analyst"],
                           {"entries": ids, "conditions": "Pemilik situs menghapus seluruh konten dan berkomitmen tertulis."})
        if status != 201:
            return status, body
        return api(base, f"/api/v1/block-proposals/{body['id']}/review", tokens["supervisor"], {"approve": True})

    try:
        check("serve starts with the DNS primary", wait_up(http_port))
        status, _ = block(["judi.example", "*.slot.example"])
        check("the first names are blocked", status == 200, str(status))

        write_root_zone(work)
        with open(os.path.join(work, "named.conf"), "w") as f:
            f.write(named_conf(work, bind_port, f'response-policy {{ zone "{ZONE}" min-update-interval 0; }} qname-wait-recurse no;',
                               f'key "{KEY}" {{ algorithm hmac-sha256; secret "{secret}"; }};\n'
                               f'zone "{ZONE}" {{ type secondary; primaries {{ 127.0.0.1 port {dns_port} key {KEY}; }}; file "{work}/rpz.bind.db"; '
                               f'allow-notify {{ 127.0.0.1; }}; }};'))
        named = subprocess.Popen(["named", "-f", "-d", "1", "-c", os.path.join(work, "named.conf")], stdout=open(os.path.join(work, "named.out"), "w"),
                                 stderr=subprocess.STDOUT, cwd=work)
        with open(os.path.join(work, "unbound.conf"), "w") as f:
            f.write(unbound_server_conf(work, unbound_port) + unbound_rpz_secondary(ZONE, dns_port) + "  rpz-log: yes\n")
        unbound = subprocess.Popen(["unbound", "-d", "-c", os.path.join(work, "unbound.conf")],
                                   stdout=open(os.path.join(work, "unbound.out"), "w"), stderr=subprocess.STDOUT)

        # 1. Both secondaries transfer the zone and block its names; open names resolve.
        for name, port in [("BIND", bind_port), ("Unbound", unbound_port)]:
            took = wait_for(lambda: blocked(port, "judi.example") and blocked(port, "a.slot.example"), 30)
            check(f"{name} transfers the zone and blocks its names", took is not None,
                  open(os.path.join(work, "named.log" if name == "BIND" else "unbound.out")).read()[-2000:])
            check(f"{name} resolves an open name", dig(port, "open.example")[1] == [SENTINEL], str(dig(port, "open.example")))

        # 2. A new decision reaches both by NOTIFY + IXFR within a second; a normalisation removes it.
        status, _ = block(["baru.example"])
        check("a new block decision is published", status == 200, str(status))
        for name, port in [("BIND", bind_port), ("Unbound", unbound_port)]:
            took = wait_for(lambda: blocked(port, "baru.example"), 5)
            check(f"{name} blocks the new name within a second ({took and round(took, 3)} s)", took is not None and took <= 1.0, str(took))
        status, _ = lift("baru.example")
        check("the block is lifted (normalisation)", status == 200, str(status))
        for name, port in [("BIND", bind_port), ("Unbound", unbound_port)]:
            took = wait_for(lambda: dig(port, "baru.example")[1] == [SENTINEL], 5)
            check(f"{name} answers the lifted name again within a second ({took and round(took, 3)} s)", took is not None and took <= 1.0, str(took))
        check("the older names stay blocked at both", blocked(bind_port, "judi.example") and blocked(unbound_port, "judi.example"))
        log = open(os.path.join(work, "named.log")).read()
        incremental = [line for line in log.splitlines() if "xfer-in" in line and "IXFR" in line]
        check("BIND's log shows the changes arriving by IXFR", len(incremental) >= 2, "\n".join(line for line in log.splitlines() if "xfer-in" in line)[-3000:])

        status, body = api(base, "/api/v1/blocklist/secondaries", tokens["analyst"])
        rows = {row["client"]: row for row in body.get("secondaries", [])}
        _, current = api(base, "/api/v1/blocks?state=active", tokens["analyst"])
        serial = current.get("serial")
        check("Pantau records each secondary's last serial, by key or address",
              status == 200 and rows.get(f"{KEY}.", {}).get("serial") == serial and rows.get("127.0.0.1", {}).get("serial") == serial, json.dumps(body))
        check("the last transfers were IXFR", rows.get(f"{KEY}.", {}).get("kind") == "IXFR" and rows.get("127.0.0.1", {}).get("kind") == "IXFR",
              json.dumps(body))

        # 3. Who may transfer: the address list, or the key; nobody else.
        def axfr(*extra):
            r = subprocess.run(["dig", "@127.0.0.1", "-p", str(dns_port), ZONE, "AXFR", "+tries=1", "+time=3", *extra],
                               capture_output=True, text=True, timeout=30)
            return r.stdout + r.stderr
        out = axfr("-b", "127.0.0.5")
        check("a client not allowed is refused", "judi.example" not in out and ("Transfer failed" in out or "REFUSED" in out), out[-500:])
        wrong = base64.b64encode(os.urandom(32)).decode()
        out = axfr("-b", "127.0.0.5", "-y", f"hmac-sha256:{KEY}:{wrong}")
        check("a wrong TSIG key is refused", "judi.example" not in out and ("failed" in out.lower() or "NOTAUTH" in out or "BADSIG" in out), out[-500:])
        out = axfr("-b", "127.0.0.5", "-y", f"hmac-sha256:{KEY}:{secret}")
        check("the right TSIG key transfers the zone, signed", "judi.example" in out and "XFR size" in out, out[-500:])
        out = axfr("-b", "127.0.0.1")
        check("an allowed address transfers the zone", "judi.example" in out and "XFR size" in out, out[-500:])
        r = subprocess.run(["dig", "@127.0.0.1", "-p", str(dns_port), "example.com", "A", "+tries=1", "+time=2"], capture_output=True, text=True, timeout=20)
        check("a question outside the zone is refused", "status: REFUSED" in r.stdout, r.stdout)
    finally:
        stop_process(unbound)
        stop_process(named)
        e2e.stop_server(server)
    print(f"{e2e.passed} passed, {e2e.failed} failed")
    if e2e.failed:
        for name in ["serve.out", "named.out", "unbound.out"]:
            path = os.path.join(work, name)
            if os.path.exists(path):
                print(f"--- {name}\n" + open(path).read()[-3000:])
    sys.exit(1 if e2e.failed else 0)


if __name__ == "__main__":
    main()
