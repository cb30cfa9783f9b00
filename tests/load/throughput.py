"""`make throughput`: requests per second and latency percentiles of the pages on gunicorn.

Against PostgreSQL with the benchmark data (CHAPTER_BENCH_DATABASE_URL: a database that
`make bench` filled, or an empty one filled now at BENCH_CHAPTERS x BENCH_WEEKS), gunicorn with
2 sync workers (no control socket; stopped by its own PID) serves tests/load/bench_wsgi.py,
the app plus a yardstick page that exists only there. A load generator on the same machine
(wrk when it is installed, else threads of http.client) sends a fixed number of requests to
each page in turn, logged in with one session cookie per account; the script prints req/s and
p50/p95/p99 for every page in one run. Not a test: pytest does not collect it.

    THROUGHPUT_REQUESTS=2000 THROUGHPUT_CONNECTIONS=4 THROUGHPUT_CLIENT=wrk|python
    THROUGHPUT_ROUNDS=3: every page measured in three rounds, each line the page's median round
"""

from __future__ import annotations

import base64
import http.client
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "bench-password-1"  # chapter.bench.PASSWORD, set by prepare()
AGENT = "chapter-throughput"  # the same on log-in and on every request (session protection)
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
HOST = "127.0.0.1"
PORT = int(os.environ.get("THROUGHPUT_PORT", "8766"))
REQUESTS = int(os.environ.get("THROUGHPUT_REQUESTS", "2000"))
CONNECTIONS = int(os.environ.get("THROUGHPUT_CONNECTIONS", "4"))
WARM_UP = int(os.environ.get("THROUGHPUT_WARM_UP", "50"))
ROUNDS = int(os.environ.get("THROUGHPUT_ROUNDS", "1"))


def prepare(url: str) -> dict[str, str]:
    """Migrate, generate the data if the database is empty, set one known password on the
    accounts used here. Returns the e-mail of each kind of viewer."""
    import flask_migrate
    from sqlalchemy import text

    from chapter import bench, create_app
    from chapter.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, PAGE_CACHE=False)
    with app.app_context():
        flask_migrate.upgrade()
        if not db.session.scalar(text("SELECT count(*) FROM chapters")):
            bench.generate()
        bench.reset_sequences()
        bench.ensure_admin()
        viewers = {
            "leader": "m1@bench.example",  # member 1 presides over chapter 1
            "member": "m2@bench.example",
            "admin": "admin@bench.example",
        }
        bench.set_passwords(list(viewers.values()))
        slips = db.session.scalar(text("SELECT count(*) FROM referral_slips"))
        chapters = db.session.scalar(text("SELECT count(*) FROM chapters"))
    print(f"{chapters} chapters, {slips:,} referral slips", file=sys.stderr)
    return viewers


def start_server(url: str) -> subprocess.Popen:
    environment = {
        **os.environ,
        "CHAPTER_CONFIG": "development",
        "CHAPTER_DATABASE_URL": url,
        "CHAPTER_SECRET_KEY": base64.b64encode(os.urandom(32)).decode(),
        "CHAPTER_LOGIN_RATE_LIMIT": "10000 per minute",
        "CHAPTER_REQUEST_LOG": "false",
        "GUNICORN_WORKERS": "2",
    }
    if os.environ.get("THROUGHPUT_REDIS_URL", "redis://127.0.0.1:6379/0"):
        environment["CHAPTER_REDIS_URL"] = os.environ.get(
            "THROUGHPUT_REDIS_URL", "redis://127.0.0.1:6379/0"
        )
        environment["CHAPTER_CACHE_KEY_PREFIX"] = f"chapter-throughput-{os.getpid()}:"
    log = Path("/tmp") / f"chapter-throughput-{os.getpid()}.log"  # noqa: S108
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--workers",
            "2",
            "--no-control-socket",
            "--max-requests",
            "0",
            "--bind",
            f"{HOST}:{PORT}",
            "--pythonpath",
            str(ROOT / "tests/load"),
            "bench_wsgi:app",
        ],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(150):
        try:
            status, _, _ = fetch("/readyz")
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log}")
        time.sleep(0.2)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer /readyz; see {log}")


def stop_server(server: subprocess.Popen) -> None:
    """Stop gunicorn by its own process id (never by name)."""
    if server.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.wait()


def fetch(
    path: str, method: str = "GET", body: str | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={"User-Agent": AGENT, **(headers or {})}
        )
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode()
    finally:
        connection.close()


def log_in(email: str) -> str:
    """Log in through the real form once; the session cookie to send with every request."""
    _, headers, page = fetch("/login")
    cookie = headers.get("Set-Cookie", "").split(";")[0]
    match = TOKEN.search(page)
    form = {"email": email, "password": PASSWORD, "csrf_token": match.group(1) if match else ""}
    status, headers, _ = fetch(
        "/login",
        "POST",
        urlencode(form),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    if status != 302:
        raise SystemExit(f"log-in as {email} answered {status}")
    return headers["Set-Cookie"].split(";")[0]


def with_wrk(path: str, cookie: str, requests: int) -> tuple[float, float, float, float, int]:
    """wrk, each thread stopping after its share of ``requests`` (tests/load/wrk_fixed.lua).
    wrk runs for its whole -d even when every thread has stopped, so -d comes from a
    one-second calibration: the rate measured there, with room to spare."""
    # One wrk thread (it drives thousands of requests a second): with two, the thread that
    # finished first leaves its connections open, and a sync worker waits on one of them until
    # wrk exits, which doubled the other thread's latencies.
    threads = 1
    rate = _wrk(path, cookie, threads, 10**9, 1)[0] or 1
    seconds = max(2, int(requests / rate * 1.5) + 2)
    return _wrk(path, cookie, threads, requests, seconds)


def _wrk(
    path: str, cookie: str, threads: int, requests: int, seconds: int
) -> tuple[float, float, float, float, int]:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(ROOT / "tests/load/wrk_fixed.lua"),
        "-H",
        f"User-Agent: {AGENT}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, f"http://{HOST}:{PORT}{path}"],
        env={**os.environ, "WRK_REQUESTS_PER_THREAD": str(max(1, requests // threads))},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    count, elapsed, p50, p95, p99, errors, bad = line.split()[1:]
    if requests < 10**9 and int(count) < requests // threads * threads:
        print(f"  only {count} of {requests} requests answered in {seconds} s", file=sys.stderr)
    rate = int(count) / float(elapsed) if float(elapsed) > 0 else 0.0
    return rate, float(p50), float(p95), float(p99), int(errors) + int(bad)


def with_threads(path: str, cookie: str, requests: int) -> tuple[float, float, float, float, int]:
    """The fallback load generator: CONNECTIONS threads, each its share of the requests."""
    samples: list[float] = []
    failures = [0]
    lock = threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}

    def work(count: int) -> None:
        mine, bad = [], 0
        for _ in range(count):
            started = time.perf_counter()
            status, _, _ = fetch(path, headers=headers)
            mine.append((time.perf_counter() - started) * 1000)
            bad += status != 200
        with lock:
            samples.extend(mine)
            failures[0] += bad

    workers = [
        threading.Thread(target=work, args=(requests // CONNECTIONS,)) for _ in range(CONNECTIONS)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(samples, n=100)
    return len(samples) / elapsed, cuts[49], cuts[94], cuts[98], failures[0]


def main() -> None:
    url = os.environ.get("CHAPTER_BENCH_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        raise SystemExit("set CHAPTER_BENCH_DATABASE_URL=postgresql+psycopg://...")
    viewers = prepare(url)
    client = os.environ.get("THROUGHPUT_CLIENT") or ("wrk" if shutil.which("wrk") else "python")
    load = with_wrk if client == "wrk" else with_threads
    server = start_server(url)
    try:
        cookies = {kind: log_in(email) for kind, email in viewers.items()}
        pages = [
            ("yardstick (bare Flask, 1 query)", "/bench/yardstick", ""),
            ("leaderboard (member)", "/leaderboard/", cookies["member"]),
            ("leaderboard (leader, matrix)", "/leaderboard/", cookies["leader"]),
            ("member ledger", "/ledger?period=six_months", cookies["member"]),
            ("dashboard", "/", cookies["member"]),
            ("region view (admin)", "/admin/region", cookies["admin"]),
        ]
        print(
            f"\n{REQUESTS} requests per page, {CONNECTIONS} connections, client {client}; "
            f"gunicorn 2 sync workers; {platform.machine()} {os.cpu_count()} cores, "
            f"Python {platform.python_version()}\n"
        )
        for _name, path, cookie in pages:
            status, _, _ = fetch(path, headers={"Cookie": cookie} if cookie else {})
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            load(path, cookie, WARM_UP)
        # Each round measures every page in turn; with several rounds a page's line is its
        # median round (by req/s), so a burst of noise from the machine's neighbours moves one
        # round of one page, not the comparison with the yardstick.
        results: dict[str, list[tuple]] = {name: [] for name, _, _ in pages}
        for round_number in range(1, ROUNDS + 1):
            for name, path, cookie in pages:
                results[name].append(load(path, cookie, REQUESTS))
            if ROUNDS > 1:
                yard = results[pages[0][0]][-1][0]
                shares = ", ".join(
                    f"{name} {results[name][-1][0] / yard:.0%}"
                    for name, _, _ in pages
                    if name.startswith("leaderboard")
                )
                print(f"round {round_number}: yardstick {yard:.0f} req/s; {shares}")
        if ROUNDS > 1:
            print(f"\nmedian round of {ROUNDS} per page:")
        print(f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for name, _, _ in pages:
            rate, p50, p95, p99, errors = sorted(results[name])[len(results[name]) // 2]
            print(f"{name:34} {rate:8.0f} {p50:8.1f} {p95:8.1f} {p99:8.1f} {errors:7d}")
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
