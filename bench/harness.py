"""What bench/pages.py and bench/loadtest.py share: seeded databases (cached), a gunicorn on a free loopback
port, a small HTTP client that signs in like a browser, percentiles, and the machine's facts.

Nothing here talks to anything but 127.0.0.1 (and the PostgreSQL server named by --database-url, if any)."""
import contextlib
import hashlib
import html
import http.client
import json
import math
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "bench"
DEMO_PASSWORD = "demo12345"  # the documented demo-only password of seed-demo
BENCH_SECRET = "keyuan-bench-not-secret"  # throwaway databases only
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core import cache  # noqa: E402


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------- statistics

def percentile(samples: list[float], pct: float) -> float | None:
    """Nearest-rank percentile: the smallest sample with at least pct % of the samples at or below it."""
    if not samples:
        return None
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def median(samples: list[float]) -> float | None:
    if not samples:
        return None
    ordered = sorted(samples)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    value = seconds * 1000
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


# ---------------------------------------------------------------------------------------- seeded databases

def migration_head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head() or "none"


def demo_fingerprint() -> str:
    """A hash of the demo-data code: a changed seeder gets fresh databases, any other change keeps them."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "app").rglob("*.py")):
        if "demo" in path.name or "seed" in path.name:
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


@dataclass
class Dataset:
    """One working copy of a seeded database: the environment a server or an in-process app needs."""

    clients: int
    seed: int
    url: str  # SQLAlchemy URL
    instance: Path  # instance folder (the SQLite file lives here)
    seeded: dict = field(default_factory=dict)  # what seed-demo reported, when, how long it took
    drop: Callable[[], None] | None = None  # removes the working copy

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "FLASK_APP")}
        env.update(KEYUAN_INSTANCE=str(self.instance), SECRET_KEY=BENCH_SECRET, PYTHONUNBUFFERED="1")
        if not self.url.startswith("sqlite"):
            env["DATABASE_URL"] = self.url
        return env

    @property
    def backend(self) -> str:
        return "SQLite" if self.url.startswith("sqlite") else "PostgreSQL"

    def close(self) -> None:
        if self.drop:
            self.drop()
            self.drop = None


def _flask(args: list[str], env: dict, logfile: Path) -> None:
    with open(logfile, "a") as out:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                              stdout=out, stderr=subprocess.STDOUT, timeout=4 * 3600)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed (exit {done.returncode}); see {logfile}")


def _seed(env: dict, clients: int, seed: int, logfile: Path) -> dict:
    log(f"seeding {clients:,} clients (seed {seed}); the log is {logfile}")
    start = time.perf_counter()
    _flask(["db", "upgrade"], env, logfile)
    _flask(["seed-demo", "--clients", str(clients), "--seed", str(seed)], env, logfile)
    seconds = time.perf_counter() - start
    report = logfile.read_text().strip().splitlines()[-1] if logfile.exists() else ""
    log(f"seeded {clients:,} clients in {seconds:.0f} s: {report}")
    return {"clients": clients, "seed": seed, "seconds": round(seconds, 1), "on": date.today().isoformat(),
            "report": report}


def prepare(clients: int, seed: int, database_url: str | None = None, fresh: bool = False,
            seed_only: bool = False) -> Dataset | None:
    """A working copy of a seeded database of this size: seeded once and cached (keyed by size, seed, migration
    head and the demo-data code), copied fresh for every run so writes made by a run never reach the cache."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = f"{clients}c-s{seed}-{migration_head()}-{demo_fingerprint()}"
    if database_url:
        return _prepare_postgres(database_url, clients, seed, key, fresh, seed_only)
    cached = CACHE / f"sqlite-{key}"
    if fresh and cached.exists():
        shutil.rmtree(cached)
    if not (cached / "keyuan.db").exists():
        building = Path(tempfile.mkdtemp(prefix=f"building-{clients}-", dir=CACHE))
        env = Dataset(clients, seed, "sqlite://", building).env()
        info = _seed(env, clients, seed, building / "seed.log")
        (building / "seeded.json").write_text(json.dumps(info, ensure_ascii=False))
        building.rename(cached)
    else:
        log(f"{clients:,} clients: cached database {cached.relative_to(ROOT)}")
    if seed_only:
        return None
    work = Path(tempfile.mkdtemp(prefix=f"keyuan-bench-{clients}-"))
    source, target = sqlite3.connect(cached / "keyuan.db"), sqlite3.connect(work / "keyuan.db")
    with target:
        source.backup(target)  # a consistent copy, whatever the WAL holds
    source.close()
    target.close()
    return Dataset(clients, seed, f"sqlite:///{work / 'keyuan.db'}", work,
                   seeded=json.loads((cached / "seeded.json").read_text()),
                   drop=lambda: shutil.rmtree(work, ignore_errors=True))


def _prepare_postgres(database_url: str, clients: int, seed: int, key: str, fresh: bool,
                      seed_only: bool) -> Dataset | None:
    """PostgreSQL: the seeded database is kept as a template (needs CREATEDB); each run gets a copy of it."""
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(database_url).set(drivername="postgresql")
    template = "keyuan_bench_" + re.sub(r"[^a-z0-9_]", "_", key.lower())
    run_db = f"keyuan_bench_run_{clients}_{os.getpid()}"

    def execute(sql: str):
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if sql.lstrip().upper().startswith("SELECT") else None

    def exists(name: str) -> bool:
        return bool(execute(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def url_of(name: str) -> str:
        return admin.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)

    if fresh and exists(template):
        execute(f'DROP DATABASE "{template}"')
    meta = CACHE / f"postgres-{key}.json"
    if not exists(template):
        building = template + "_building"
        execute(f'DROP DATABASE IF EXISTS "{building}"')
        execute(f'CREATE DATABASE "{building}"')
        instance = Path(tempfile.mkdtemp(prefix="building-pg-", dir=CACHE))
        env = Dataset(clients, seed, url_of(building), instance).env()
        info = _seed(env, clients, seed, instance / "seed.log")
        meta.write_text(json.dumps(info, ensure_ascii=False))
        shutil.rmtree(instance, ignore_errors=True)
        execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    else:
        log(f"{clients:,} clients: cached PostgreSQL database {template}")
    if seed_only:
        return None
    execute(f'DROP DATABASE IF EXISTS "{run_db}"')
    execute(f'CREATE DATABASE "{run_db}" TEMPLATE "{template}"')
    work = Path(tempfile.mkdtemp(prefix=f"keyuan-bench-{clients}-"))

    def drop():
        execute(f'DROP DATABASE IF EXISTS "{run_db}" WITH (FORCE)')
        shutil.rmtree(work, ignore_errors=True)

    seeded = json.loads(meta.read_text()) if meta.exists() else {"clients": clients, "seed": seed}
    return Dataset(clients, seed, url_of(run_db), work, seeded=seeded, drop=drop)


@contextlib.contextmanager
def app_for(dataset: Dataset):
    """The project's app, in this process, on the dataset's database (for query counts and checks)."""
    from app import create_app
    from app.extensions import db

    saved = {k: os.environ.get(k) for k in ("KEYUAN_INSTANCE", "DATABASE_URL")}
    os.environ["KEYUAN_INSTANCE"] = str(dataset.instance)
    os.environ.pop("DATABASE_URL", None)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": dataset.url, "SECRET_KEY": BENCH_SECRET})
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# ------------------------------------------------------------------------------------------------ gunicorn

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def memory_kb(pid: int, key: str = "VmHWM") -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Gunicorn:
    """gunicorn serving the app on a free 127.0.0.1 port; tracks its workers' peak RSS (VmHWM)."""

    def __init__(self, dataset: Dataset, workers: int = 1, app: str = "wsgi:app", timeout: int = 120):
        self.dataset, self.workers, self.app, self.timeout = dataset, workers, app, timeout
        self.port = free_port()
        self.logfile = dataset.instance / f"gunicorn-{self.port}.log"
        self.proc = None
        self.peak_kb: dict[int, int] = {}  # worker pid -> highest VmHWM seen
        self._sampling = threading.Event()

    def data_changed(self) -> None:
        """What a commit does for the app's cache (app/core/cache.py): move the stamp its workers read."""
        cache.changed(self.dataset.instance)

    def __enter__(self):
        with open(self.logfile, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                 "--timeout", str(self.timeout), "--graceful-timeout", "10", "--log-level", "warning", self.app],
                cwd=ROOT, env=self.dataset.env(), stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited at start; see {self.logfile}:\n{self.log_tail()}")
            try:
                if Client(self.port, timeout=5).get("/healthz").status == 200 and \
                        len(self.worker_pids()) >= self.workers:
                    threading.Thread(target=self._sample_every_second, daemon=True).start()
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise SystemExit(f"gunicorn did not answer within 90 s; see {self.logfile}")

    def __exit__(self, *exc):
        self.stop()

    def worker_pids(self) -> list[int]:
        return _children(self.proc.pid) if self.proc else []

    def _sample_every_second(self) -> None:
        """A worker killed for a request over gunicorn's timeout takes its VmHWM with it: sample as we go."""
        while not self._sampling.wait(1.0):
            self.sample_memory()

    def sample_memory(self) -> None:
        for pid in self.worker_pids():
            kb = memory_kb(pid)
            if kb:
                self.peak_kb[pid] = max(kb, self.peak_kb.get(pid, 0))

    @property
    def peak_rss_mb(self) -> float | None:
        return max(self.peak_kb.values()) / 1024 if self.peak_kb else None

    def wait_idle(self, seconds: float) -> bool:
        """After a client gave up on a slow request, wait (bounded) until a worker answers again."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if Client(self.port, timeout=max(1.0, deadline - time.monotonic())).get("/healthz").status == 200:
                    return True
            except OSError:
                time.sleep(0.5)
        return False

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        self._sampling.set()
        if self.proc and self.proc.poll() is None:
            self.sample_memory()
            self.proc.terminate()  # our own gunicorn master, by its pid; it stops its workers
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None


# --------------------------------------------------------------------------------------------- HTTP client

@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float
    first_byte: float  # until the status line and headers came: a streamed download's first chunk

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Client:
    """One browser: its own cookies, a fresh loopback connection per request (gunicorn's sync workers close
    them anyway), no redirects followed. Timeouts and refused connections raise OSError subclasses."""

    def __init__(self, port: int, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self.csrf: str | None = None

    def request(self, method: str, path: str, form: dict | None = None, htmx: bool = False,
                timeout: float | None = None) -> Response:
        headers = {"Accept": "text/html,*/*", "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout or self.timeout)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            first_byte = time.perf_counter() - start
            data = reply.read()
            seconds = time.perf_counter() - start
        finally:
            conn.close()
        for value in reply.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        response = Response(reply.status, reply.headers, data, seconds, first_byte)
        if b"csrf-token" in data[:4096]:
            found = CSRF_META.search(response.text[:4096])
            if found:
                self.csrf = html.unescape(found.group(1))
        return response

    def get(self, path: str, htmx: bool = False, timeout: float | None = None) -> Response:
        return self.request("GET", path, htmx=htmx, timeout=timeout)

    def post(self, path: str, form: dict, htmx: bool = False, timeout: float | None = None) -> Response:
        return self.request("POST", path, {"csrf_token": self.csrf or "", **form}, htmx=htmx, timeout=timeout)

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.get("/auth/login")
        reply = self.post("/auth/login", {"username": username, "password": password})
        if reply.status != 302 or "session" not in self.cookies:
            raise SystemExit(f"signing in as {username} failed: HTTP {reply.status}")


class FormReader(HTMLParser):
    """The fields a browser would send for one <form> (picked by id): inputs, checked boxes, selected options,
    textareas. Enough for the project's server-rendered forms."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None
        self._options: list[tuple[str, bool]] = []
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [v for v, _s in self._options[:1]]
            self.fields.extend((self._select, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def read_form(page: str, form_id: str) -> list[tuple[str, str]]:
    reader = FormReader(form_id)
    reader.feed(page)
    return reader.fields


# ------------------------------------------------------------------------------------------ machine facts

def operating_system() -> str:
    name = platform.system()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                name = line.split("=", 1)[1].strip('"')
    libc = " ".join(platform.libc_ver()).strip()
    return f"{name}, {platform.machine()}" + (f", {libc}" if libc else "")


def machine_facts(dataset: Dataset | None = None) -> dict:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = None
    with contextlib.suppress(OSError, ValueError):
        memory = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0]) // 1024
    commit = ""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    facts = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "nproc": len(os.sched_getaffinity(0)), "cpu": cpu,
             "memory": f"{memory:,} MB" if memory else "unknown", "os": operating_system(),
             "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "commit": commit,
             "load": load_average()}
    if dataset and dataset.backend == "PostgreSQL":
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(dataset.url).set(drivername="postgresql").render_as_string(hide_password=False)
        with contextlib.suppress(Exception), psycopg.connect(url) as conn:
            facts["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    return facts


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def facts_lines(facts: dict) -> list[str]:
    lines = [f"- Date: {facts['date']}; commit {facts['commit'] or 'unknown'}",
             f"- CPU: {facts['cpu']}; `nproc` = {facts['nproc']}; memory {facts['memory']}",
             f"- OS: {facts['os']}; load average (1, 5, 15 min) at the start {facts['load']}"
             + (f", at the end {facts['load_after']}" if facts.get("load_after") else "")
             + " (a shared machine: other work running at the same time shows here)",
             f"- Python {facts['python']}; SQLite {facts['sqlite']}"]
    if "postgresql" in facts:
        lines.append(f"- PostgreSQL {facts['postgresql']}")
    return lines
