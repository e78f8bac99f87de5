#!/usr/bin/env python3
"""Proves the RPZ export on real DNS software (RPZ-NOTES "Testing"): a
running Pantau gets blocks through its API — an app's domains with their
subdomains, an exact name, a redirect to the landing page, an IDN, an
allow-list exception under a blocked wildcard, a block that is then lifted
(normalised) — and exports /blocklist/rpz. BIND's named-checkzone must
accept the zone; Unbound started on 127.0.0.1 with its own config and a
local root (every unblocked name resolves to 192.0.2.1) must load it, and
dig must see every blocked name answered by policy and every open,
allow-listed or lifted name not. Kills only the processes it started.

Needs: unbound, dnsutils, bind9-utils (Debian).
Usage: scripts/resolver-test.py --binary .build/debug/pantau
"""
import argparse, json, os, signal, subprocess, sys, tempfile, time, urllib.request

import e2e
from e2e import SENTINEL, api, check, dig, free_port, unbound_server_conf, wait_up, write_root_zone

ZONE = "rpz.pantau"
LANDING = "blokir.pantau.id"






def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    binary = os.path.abspath(parser.parse_args().binary)
    work = tempfile.mkdtemp(prefix="pantau-resolver-")
    env = dict(os.environ, PANTAU_BCRYPT_COST="4", PANTAU_RPZ_ZONE=ZONE, PANTAU_BLOCK_LANDING_HOST=LANDING)

    def cli(*args):
        return subprocess.run([binary, *args], cwd=work, capture_output=True, text=True, timeout=120, env=env)

    tokens = {}
    for email, role in [("analis@kominfo.test", "analyst"), ("sup@kominfo.test", "supervisor")]:
        cli("user", "add", "--email", email, "--role", role)
        r = cli("token", "create", "--user", email, "--name", "resolver-test")
        tokens[role] = r.stdout.strip().splitlines()[-1] if r.returncode == 0 else ""
    check("accounts and tokens created", all(t.startswith("pnt_") for t in tokens.values()), str(tokens))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(os.path.join(work, "serve.out"), "w")
    server = subprocess.Popen([binary, "serve", "--port", str(port)], cwd=work, stdout=log, stderr=subprocess.STDOUT, env=env)
    unbound = None
    try:
        check("serve starts", wait_up(port))
        reason = "Konten negatif yang terverifikasi dari aduan masyarakat dan tidak diturunkan."

        def block(names, **extra):
            status, body = api(base, "/api/v1/blocks", tokens["analyst"], dict(names=names, reason=reason, legal_bases=["uu-ite-27-1"], **extra))
            if status != 201:
                return status, body
            return api(base, f"/api/v1/block-proposals/{body['id']}/review", tokens["supervisor"], {"approve": True})

        status, _ = api(base, "/api/v1/allow-list", tokens["supervisor"], {"name": "ok.slot.example", "reason": "Layanan pengaduan resmi, bukan judi."})
        check("allow-list exception added", status == 201, str(status))
        status, _ = block(["*.tiktok.com", "*.muscdn.com"], app={"slug": "video-app", "name": "Video app"})
        check("an app's domains blocked (four eyes)", status == 200, str(status))
        status, _ = block(["judi.example", "*.slot.example", "bücher.example", "lifted.example"])
        check("names, a wildcard and an IDN blocked", status == 200, str(status))
        status, _ = block(["phish.example"], action="redirect")
        check("a redirect to the landing page", status == 200, str(status))
        status, entries = api(base, "/api/v1/blocks?state=active", tokens["analyst"])
        lifted = [e["id"] for e in entries.get("entries", []) if e["name"] == "lifted.example"]
        status, body = api(base, "/api/v1/blocks/lift", tokens["analyst"],
                           {"entries": lifted, "conditions": "Pemilik situs menghapus seluruh konten perjudian dan berkomitmen tertulis."})
        if status == 201:
            status, body = api(base, f"/api/v1/block-proposals/{body['id']}/review", tokens["supervisor"], {"approve": True})
        check("one block lifted (normalised)", status == 200, f"{status} {body}")

        # A browser sent to Pantau for a blocked name gets the landing page.
        request = urllib.request.Request(base + "/", headers={"Host": "phish.example"})
        try:
            urllib.request.urlopen(request, timeout=10)
            landing = (200, "")
        except urllib.error.HTTPError as error:
            landing = (error.code, error.read().decode())
        check("a request for a blocked name gets the landing page (451) saying why", landing[0] == 451 and "phish.example" in landing[1], str(landing[0]))

        zone_path = os.path.join(work, "zone.rpz")
        with urllib.request.urlopen(base + "/blocklist/rpz", timeout=30) as response, open(zone_path, "wb") as out:
            out.write(response.read())
        r = subprocess.run(["named-checkzone", ZONE, zone_path], capture_output=True, text=True, timeout=60)
        check("named-checkzone accepts the zone", r.returncode == 0 and "OK" in r.stdout, r.stdout + r.stderr)

        write_root_zone(work)
        dns_port = free_port()
        with open(os.path.join(work, "unbound.conf"), "w") as f:
            f.write(unbound_server_conf(work, dns_port) + f"""rpz:
  name: "{ZONE}"
  zonefile: "{zone_path}"
  rpz-log: yes
""")
        unbound_log = open(os.path.join(work, "unbound.out"), "w")
        unbound = subprocess.Popen(["unbound", "-d", "-c", os.path.join(work, "unbound.conf")], stdout=unbound_log, stderr=subprocess.STDOUT)
        ready = False
        for _ in range(100):
            if unbound.poll() is not None:
                break
            if dig(dns_port, "open.example")[0] == "NOERROR":
                ready = True
                break
            time.sleep(0.2)
        check("Unbound loads the zone and answers", ready, open(os.path.join(work, "unbound.out")).read()[-2000:])

        def expect_policy(name):
            status, answers = dig(dns_port, name)
            check(f"{name} is blocked by policy (NXDOMAIN)", status == "NXDOMAIN", f"{status} {answers}")

        def expect_open(name):
            status, answers = dig(dns_port, name)
            check(f"{name} resolves normally", status == "NOERROR" and answers[-1:] == [SENTINEL], f"{status} {answers}")

        for name in ["tiktok.com", "www.tiktok.com", "v16.muscdn.com", "judi.example", "slot.example", "a.b.slot.example", "xn--bcher-kva.example"]:
            expect_policy(name)
        status, answers = dig(dns_port, "phish.example")
        check("phish.example is redirected to the landing host", status == "NOERROR" and f"{LANDING}." in answers, f"{status} {answers}")
        for name in ["open.example", "www.judi.example", "ok.slot.example", "lifted.example", "nottiktok.com"]:
            expect_open(name)
    finally:
        if unbound:
            unbound.send_signal(signal.SIGTERM)
            try:
                unbound.wait(timeout=10)
            except subprocess.TimeoutExpired:
                unbound.kill()
        e2e.stop_server(server)
    print(f"{e2e.passed} passed, {e2e.failed} failed")
    sys.exit(1 if e2e.failed else 0)


if __name__ == "__main__":
    main()
