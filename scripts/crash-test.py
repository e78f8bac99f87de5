#!/usr/bin/env python3
"""Durability check: SIGKILL `pantau serve` in the middle of a burst of
reports, restart it, and require that every report answered 201 is there.

Usage: scripts/crash-test.py --binary .build/debug/pantau [--database URL]
Only talks to 127.0.0.1; bounded in time.
"""
import argparse, json, os, random, signal, socket, subprocess, sys, tempfile, threading, time, urllib.request, urllib.error


import e2e
from e2e import free_port


def start(binary, workdir, port, env):
    proc = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=workdir, env=env,
                            stdout=open(os.path.join(workdir, "server.log"), "ab"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return proc
        except Exception:
            if proc.poll() is not None:
                sys.exit(f"server exited early; see {workdir}/server.log")
            time.sleep(0.2)
    proc.kill()
    sys.exit("server did not start within 60 s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--kill-after", type=float, default=2.0)
    args = parser.parse_args()

    binary = os.path.abspath(args.binary)
    workdir = tempfile.mkdtemp(prefix="pantau-crash-")
    env = dict(os.environ)
    if args.database:
        env["PANTAU_DATABASE_URL"] = args.database
    port = free_port()
    server = start(binary, workdir, port, env)

    acknowledged, lock, stop = [], threading.Lock(), threading.Event()
    errors_after_kill = [0]

    def burst(seed):
        rng = random.Random(seed)
        while not stop.is_set():
            body = json.dumps({"url": f"https://crash{rng.randrange(500)}.example/p{rng.randrange(10**6)}",
                               "category": rng.choice(["pornografi", "perjudian", "hoaks"])}).encode()
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/reports", data=body,
                                         headers={"Content-Type": "application/json"}, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    if resp.status == 201:
                        ticket = json.loads(resp.read())["ticket"]
                        with lock:
                            acknowledged.append(ticket)
            except Exception:
                errors_after_kill[0] += 1
                time.sleep(0.01)

    threads = [threading.Thread(target=burst, args=(i,), daemon=True) for i in range(args.threads)]
    for t in threads:
        t.start()
    time.sleep(args.kill_after)
    server.send_signal(signal.SIGKILL)
    server.wait()
    time.sleep(0.3)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    with lock:
        tickets = list(acknowledged)
    print(f"server killed with SIGKILL after {len(tickets)} acknowledged reports")

    server = start(binary, workdir, port, env)
    missing = []
    try:
        for ticket in tickets:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/reports/{ticket}", timeout=5).read()
            except urllib.error.HTTPError as e:
                missing.append((ticket, e.code))
    finally:
        e2e.stop_server(server)
    verify = subprocess.run([binary, "verify-history"], cwd=workdir, env=env, capture_output=True, text=True)
    print(verify.stdout.strip())
    failed = len(missing) + (0 if verify.returncode == 0 else 1) + (1 if not tickets else 0)
    for ticket, code in missing[:20]:
        print(f"MISSING {ticket} (HTTP {code})")
    print(f"{len(tickets) - len(missing) + (1 if verify.returncode == 0 else 0)} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
