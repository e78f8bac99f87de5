"""Small helpers shared by the end-to-end scripts (cli-test, crash-test,
browser-test, resolver-test, dns-secondary-test): named checks with a tally, a free
port, waiting for /healthz, the JSON API with a token, dig, a local DNS root."""
import json, os, signal, socket, subprocess, time, urllib.error, urllib.request

passed, failed = 0, 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read() == b"ok":
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def stop_server(server, seconds=20):
    """Stops a `pantau` process the way an operator would (SIGINT, a graceful
    shutdown), and kills it only if it has not ended in time."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        server.kill()


SENTINEL = "192.0.2.1"


def api(base, path, token, body=None):
    """(status, JSON) of a GET, or a POST when body is given, with a bearer token."""
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                     method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def dig(port, name, seconds=3):
    """(status, answers) of an A query for name at a resolver on 127.0.0.1:port."""
    r = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), name, "A", "+tries=1", f"+time={seconds}", "+noall", "+comments", "+answer"],
                       capture_output=True, text=True, timeout=20)
    status = "?"
    for line in r.stdout.splitlines():
        if "status:" in line:
            status = line.split("status:")[1].split(",")[0].strip()
    answers = [line.split()[-1] for line in r.stdout.splitlines() if line and not line.startswith(";")]
    return status, answers


def write_root_zone(work):
    """A local root where every name resolves to SENTINEL, so a policy NXDOMAIN is unmistakable."""
    path = os.path.join(work, "root.zone")
    with open(path, "w") as f:
        f.write(". 3600 IN SOA a.root. hostmaster.root. 1 3600 600 86400 60\n. 3600 IN NS a.root.\n"
                f"a.root. 3600 IN A 127.0.0.1\n* 3600 IN A {SENTINEL}\n")
    return path


def unbound_server_conf(work, port):
    """Unbound's `server:` and local-root clauses, for a resolver on 127.0.0.1:port answering from the local root."""
    return f"""server:
  interface: 127.0.0.1
  port: {port}
  do-ip6: no
  do-daemonize: no
  use-syslog: no
  logfile: ""
  verbosity: 1
  username: ""
  chroot: ""
  directory: "{work}"
  pidfile: "{work}/unbound.pid"
  access-control: 127.0.0.0/8 allow
  module-config: "respip iterator"
  qname-minimisation: no
auth-zone:
  name: "."
  zonefile: "{work}/root.zone"
  for-upstream: yes
  for-downstream: no
  fallback-enabled: no
"""


def unbound_rpz_secondary(zone, primary_port):
    """One `rpz:` clause following `zone` from Pantau on 127.0.0.1 (address list: no TSIG in Unbound 1.17)."""
    return f"""rpz:
  name: "{zone}"
  primary: 127.0.0.1@{primary_port}
  allow-notify: 127.0.0.1
"""


def named_conf(work, port, policy, zones):
    """named.conf for a recursive BIND on 127.0.0.1:port with the local root, `policy` (a response-policy
    statement) and `zones` (zone statements), logging transfers, NOTIFY and RPZ to named.log."""
    return f"""options {{
  directory "{work}";
  listen-on port {port} {{ 127.0.0.1; }};
  listen-on-v6 {{ none; }};
  pid-file "{work}/named.pid";
  recursion yes;
  allow-query {{ 127.0.0.0/8; }};
  allow-recursion {{ 127.0.0.0/8; }};
  dnssec-validation no;
  notify no;
  {policy}
}};
{zones}
zone "." {{ type primary; file "{work}/root.zone"; }};
logging {{
  channel main {{ file "{work}/named.log"; severity debug 1; print-time yes; print-category yes; }};
  category default {{ main; }}; category xfer-in {{ main; }}; category notify {{ main; }}; category rpz {{ main; }};
}};
"""


def wait_for(condition, seconds):
    """Seconds until condition() holds, or None."""
    start = time.time()
    while time.time() - start < seconds:
        if condition():
            return time.time() - start
        time.sleep(0.02)
    return None


def stop_process(process):
    """Stops a resolver this script started (SIGTERM, then SIGKILL after 15 s)."""
    if process and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
