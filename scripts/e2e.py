"""Small helpers shared by the end-to-end scripts (cli-test, crash-test,
browser-test): named checks with a tally, a free port, waiting for /healthz."""
import socket, time, urllib.request

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
