#!/usr/bin/env python3
"""The API against its own description: Schemathesis (every check, as
`--checks all`; bounded examples and time) against a running `pantau serve` on a seeded
SQLite database, with an admin's token. Fails on any failure Schemathesis
reports: an undocumented status code, a valid request refused, an invalid
one accepted, a method answered wrongly, a 5xx, a response that does not
match its schema."""
import argparse, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e
from e2e import free_port, wait_up


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=600, help="seconds for the whole run")
    parser.add_argument("--report", default="", help="directory for Schemathesis' reports (kept for reading failures)")
    parser.add_argument("extra", nargs="*", help="more arguments for `schemathesis run` (e.g. --include-path-regex …)")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="pantau-schemathesis-")
    env = dict(os.environ, PANTAU_ADMIN_EMAIL="admin@pantau.test")
    # Some data, so ids and lists are not all empty.
    r = subprocess.run([binary, "seed", "--cases", "40", "--reports", "80"], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    e2e.check("the database is seeded", r.returncode == 0, r.stderr[-500:])
    port = free_port()
    log = open(os.path.join(work, "serve.out"), "w")
    server = subprocess.Popen([binary, "serve", "--port", str(port)], cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        e2e.check("the server is up", wait_up(port))
        r = subprocess.run([binary, "token", "create", "--user", "admin@pantau.test", "--name", "schemathesis"], cwd=work, env=env,
                           capture_output=True, text=True, timeout=120)
        token = r.stdout.strip().splitlines()[-1] if r.returncode == 0 and r.stdout.strip() else ""
        e2e.check("an admin token is created", token.startswith("pnt_"), r.stdout + r.stderr)
        config = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemathesis.toml")
        # Every check is on by default (as `--checks all`, which would also
        # override the per-operation settings in schemathesis.toml).
        command = ["schemathesis", "--config-file", config, "run", f"http://127.0.0.1:{port}/openapi.yaml",
                   "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
                   # One worker: schemathesis under CPython 3.11 has failed with an internal
                   # "AST constructor recursion depth mismatch" when two threads generate at once.
                   "--workers", "1",
                   "--seed", "20261205", "--generation-deterministic", "--no-color", "--request-timeout", "20",
                   "-H", f"Authorization: Bearer {token}", "--warnings", "off"]
        if args.report:
            command += ["--report", "junit,ndjson", "--report-dir", args.report]
        command += args.extra
        print("$ " + " ".join(c if not c.startswith("Authorization") else "Authorization: Bearer pnt_…" for c in command), flush=True)
        run = subprocess.run(command, cwd=work, text=True, capture_output=True, timeout=args.max_time + 600)
        print(run.stdout)
        print(run.stderr[-3000:])
        e2e.check("Schemathesis finds no failure", run.returncode == 0, f"exit {run.returncode}")
    finally:
        e2e.stop_server(server)
    print(f"{e2e.passed} passed, {e2e.failed} failed")
    if e2e.failed:
        with open(os.path.join(work, "serve.out")) as f:
            print(f.read()[-2000:])
    sys.exit(1 if e2e.failed else 0)


if __name__ == "__main__":
    main()
