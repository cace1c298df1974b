"""Load test (bounded, loopback only): `make loadtest`, or

    .venv/bin/python bench/loadtest.py [--clients 10000] [--workers 4] [--users 30] [--busy-seconds 60]
                                       [--saturation-seconds 48] [--saturation-steps 4,8,16,30]
                                       [--database-url postgresql://user@127.0.0.1/postgres] [--fresh]

Serves a seeded database (cached like bench/pages.py's) with gunicorn (4 workers) on a free 127.0.0.1 port and
plays an office against it: simulated users (threads, each its own signed-in session; sales1, sales2, manager and
service1 in turn) doing ~80% page reads and ~20% writes (quick logs with unique summaries; client edits: the
edit form fetched and posted back with a line added to the notes, keeping the hidden version field, so a 409 is
a legitimate refusal, counted apart from errors).

(a) busy office: --users users for --busy-seconds, each pausing 1–3 s between actions; target p95 ≤ 200 ms and
no errors. (b) saturation: the same mix with no pauses, at each concurrency of --saturation-steps in turn; the
step with the highest throughput is reported with its p95. Errors are 5xx, unexpected statuses, connection
errors and timeouts. Afterwards the database is checked: every write the client saw succeed is there exactly
once, and no refused one is. Prints the figures and writes bench/LOADTEST.md.
"""
import argparse
import random
import re
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from harness import (
    ROOT,
    Client,
    Gunicorn,
    app_for,
    facts_lines,
    load_average,
    log,
    machine_facts,
    ms,
    percentile,
    prepare,
    read_form,
)

USERNAMES = ("sales1", "sales2", "manager", "service1")
EDITORS = {"sales1", "sales2", "manager"}  # service changes no client data
SEARCH_TERMS = ("医院", "成都", "卫生", "诊所", "人民", "中医", "妇幼", "口腔")
# (action, weight): ~80 % reads, ~20 % writes; a service engineer's edit becomes a quick log.
MIX = (("today", 8), ("clients", 9), ("clients-page", 6), ("search-htmx", 12), ("client", 20), ("visits", 8),
       ("visits-all", 5), ("overdue", 5), ("recency", 3), ("care", 2), ("ics", 2),
       ("quick-log", 12), ("edit", 8))
TARGET_P95 = 0.200


@dataclass
class Sample:
    phase: str
    name: str  # request kind
    status: int | None
    seconds: float
    end: float
    outcome: str  # ok | conflict | refused | 5xx | unexpected | timeout | connection


@dataclass
class Write:
    kind: str  # quick-log | edit
    client_id: int
    mark: str  # the unique summary, or the line added to the notes
    outcome: str  # ok | refused | unknown
    status: int | None = None


@dataclass
class Ledger:
    samples: list[Sample] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample | None = None, write: Write | None = None) -> None:
        with self.lock:
            if sample:
                self.samples.append(sample)
            if write:
                self.writes.append(write)


class User:
    """One simulated person: a signed-in session and the clients they may see and change."""

    def __init__(self, number: int, username: str, port: int, timeout: float, world: dict, run: str):
        self.number, self.username, self.world, self.run = number, username, world, run
        self.browser = Client(port, timeout=timeout)
        self.rng = random.Random(f"{run}:{number}")
        self.pool = world["visible"][username]
        self.hot = world["hot"][username]
        self.writes = 0

    def act(self, phase: str, ledger: Ledger) -> None:
        action = self.rng.choices([a for a, _w in MIX], [w for _a, w in MIX])[0]
        if action == "edit" and (self.username not in EDITORS or not self.hot):
            action = "quick-log"
        if action == "quick-log":
            self.quick_log(phase, ledger)
        elif action == "edit":
            self.edit(phase, ledger)
        else:
            self.request(phase, ledger, action, "GET", self.read_path(action), htmx=action.endswith("htmx"))

    def read_path(self, action: str) -> str:
        world, rng = self.world, self.rng
        return {"today": "/", "clients": "/clients/",
                "clients-page": f"/clients/?page={rng.randint(1, world['last_page'][self.username])}",
                "search-htmx": f"/clients/?q={quote(rng.choice(SEARCH_TERMS))}",
                "client": f"/clients/{rng.choice(self.pool)}", "visits": "/visits/",
                "visits-all": "/visits/?status=all&mine=0", "overdue": "/visits/overdue", "recency": "/visits/recency",
                "care": "/visits/care", "ics": f"/calendar/{world['token'][self.username]}.ics"}[action]

    def request(self, phase, ledger, name, method, path, form=None, htmx=False, ok=(200,), refused=()):
        """One request, recorded; returns the response, or None when there was none."""
        start = time.perf_counter()
        try:
            reply = (self.browser.get(path, htmx=htmx) if method == "GET"
                     else self.browser.post(path, form, htmx=htmx))
        except TimeoutError:
            ledger.add(Sample(phase, name, None, time.perf_counter() - start, time.perf_counter(), "timeout"))
            return None
        except OSError:
            ledger.add(Sample(phase, name, None, time.perf_counter() - start, time.perf_counter(), "connection"))
            return None
        if reply.status in ok:
            outcome = "ok"
        elif reply.status == 409:
            outcome = "conflict"
        elif reply.status in refused:
            outcome = "refused"
        else:
            outcome = "5xx" if reply.status >= 500 else "unexpected"
        ledger.add(Sample(phase, name, reply.status, reply.seconds, time.perf_counter(), outcome))
        return reply

    def quick_log(self, phase: str, ledger: Ledger) -> None:
        self.writes += 1
        client_id = self.rng.choice(self.pool)
        summary = f"压测 {self.run}-{self.number}-{self.writes} 电话回访"
        reply = self.request(phase, ledger, "quick-log POST", "POST", f"/visits/clients/{client_id}/quick-log",
                             {"method": "phone", "summary": summary, "client_key": uuid.uuid4().hex}, htmx=True,
                             refused=(400, 403, 404, 422))
        ledger.add(write=Write("quick-log", client_id, summary, _write_outcome(reply, 200), reply and reply.status))

    def edit(self, phase: str, ledger: Ledger) -> None:
        client_id = self.rng.choice(self.hot)
        page = self.request(phase, ledger, "edit form GET", "GET", f"/clients/{client_id}/edit")
        if page is None or page.status != 200:
            return
        fields = read_form(page.text, "client-form")
        if not any(name == "version" for name, _v in fields):
            ledger.add(Sample(phase, "edit form GET", page.status, 0.0, time.perf_counter(), "unexpected"))
            return
        self.writes += 1
        mark = f"[压测 {self.run}-{self.number}-{self.writes}]"
        form = [(name, f"{value.rstrip()}\n{mark}".strip() if name == "notes" else value) for name, value in fields]
        reply = self.request(phase, ledger, "edit POST", "POST", f"/clients/{client_id}/edit", _multi(form),
                             ok=(302,), refused=(400, 403, 404, 422))
        ledger.add(write=Write("edit", client_id, mark, _write_outcome(reply, 302), reply and reply.status))


def _multi(pairs: list[tuple[str, str]]) -> dict:
    form = defaultdict(list)
    for name, value in pairs:
        form[name].append(value)
    return dict(form)


def _write_outcome(reply, ok_status: int) -> str:
    if reply is None or reply.status >= 500:
        return "unknown"  # no answer, or a server error: the write may or may not have happened
    return "ok" if reply.status == ok_status else "refused"


# ------------------------------------------------------------------------------------------------- phases

def world_of(dataset, hot_per_rep: int) -> dict:
    """Who sees which clients (for realistic ids), each role's last list page, and the edit hot set: a few
    clients of each sales rep, which the manager edits too, so that concurrent edits meet."""
    from sqlalchemy import select

    from app.archive.models import Client as ClientRecord
    from app.core.models import User as UserRecord
    from app.extensions import db

    with app_for(dataset) as app, app.app_context():
        users = dict(db.session.execute(select(UserRecord.username, UserRecord.id)).all())
        rows = db.session.execute(select(ClientRecord.id, ClientRecord.owner_id)
                                  .where(ClientRecord.deleted_at.is_(None)).order_by(ClientRecord.id)).all()
        page_size = app.config["PAGE_SIZE"]
    everyone = [cid for cid, _owner in rows]
    visible = {"manager": everyone, "service1": everyone}
    for rep in ("sales1", "sales2"):
        visible[rep] = [cid for cid, owner in rows if owner == users.get(rep)] or everyone[:1]
    hot_reps = {rep: visible[rep][::max(1, len(visible[rep]) // max(1, hot_per_rep))][:hot_per_rep]
                for rep in ("sales1", "sales2")}
    hot = {"sales1": hot_reps["sales1"], "sales2": hot_reps["sales2"],
           "manager": hot_reps["sales1"] + hot_reps["sales2"], "service1": []}
    return {"visible": visible, "hot": hot, "page_size": page_size,
            "last_page": {u: max(1, -(-len(ids) // page_size)) for u, ids in visible.items()}}


def sign_in(users: list[User]) -> None:
    for user in users:
        user.browser.login(user.username)


def run_phase(name: str, users: list[User], seconds: float, pause: tuple[float, float] | None, ledger: Ledger,
              server: Gunicorn, timeout: float) -> dict:
    """Every user acts until the deadline (no new action after it); each request has its own timeout."""
    start = time.perf_counter()
    deadline = start + seconds
    def play(user: User):
        if pause:
            time.sleep(user.rng.uniform(0, pause[1]))  # people do not all click at the same instant
        while time.perf_counter() < deadline:
            try:
                user.act(name, ledger)
            except Exception as exc:  # a bug in this script must not look like a quiet success
                ledger.add(Sample(name, f"client error {type(exc).__name__}", None, 0.0, time.perf_counter(),
                                  "unexpected"))
            if pause:
                time.sleep(min(user.rng.uniform(*pause), max(0.0, deadline - time.perf_counter())))

    threads = [threading.Thread(target=play, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + 2 * timeout + 10 - time.perf_counter()))
    stuck = sum(thread.is_alive() for thread in threads)
    samples = [s for s in ledger.samples if s.phase == name]
    end = max((s.end for s in samples), default=time.perf_counter())
    return summarize(name, samples, end - start, len(users), stuck)


def summarize(name: str, samples: list[Sample], seconds: float, users: int, stuck: int) -> dict:
    times = [s.seconds for s in samples if s.outcome in ("ok", "conflict", "refused")]
    outcomes = Counter(s.outcome for s in samples)
    kinds = {}
    for kind in sorted({s.name for s in samples}):
        mine = [s for s in samples if s.name == kind]
        answered = [s.seconds for s in mine if s.outcome in ("ok", "conflict", "refused")]
        kinds[kind] = {"n": len(mine), "p50": percentile(answered, 50), "p95": percentile(answered, 95),
                       "p99": percentile(answered, 99),
                       "errors": sum(s.outcome in ("5xx", "unexpected", "timeout", "connection") for s in mine),
                       "conflicts": sum(s.outcome == "conflict" for s in mine),
                       "refused": sum(s.outcome == "refused" for s in mine)}
    errors = sum(outcomes[k] for k in ("5xx", "unexpected", "timeout", "connection"))
    return {"name": name, "users": users, "seconds": seconds, "requests": len(samples),
            "throughput": len(samples) / seconds if seconds else 0.0, "p50": percentile(times, 50),
            "p95": percentile(times, 95), "p99": percentile(times, 99), "errors": errors,
            "outcomes": dict(outcomes), "kinds": kinds, "stuck": stuck,
            "statuses": dict(Counter(s.status for s in samples if s.outcome in ("5xx", "unexpected")))}


# --------------------------------------------------------------------------------------------- the check

def verify(dataset, ledger: Ledger, run: str) -> dict:
    """Against the database: each write the client saw succeed is there exactly once, no refused one is."""
    from sqlalchemy import func, select

    from app.archive.models import Client as ClientRecord
    from app.extensions import db
    from app.visits.models import Interaction

    with app_for(dataset) as app, app.app_context():
        logged = dict(db.session.execute(
            select(Interaction.summary, func.count(Interaction.id))
            .where(Interaction.summary.like(f"压测 {run}-%")).group_by(Interaction.summary)).all())
        edited = {w.client_id for w in ledger.writes if w.kind == "edit"}
        notes = dict(db.session.execute(select(ClientRecord.id, ClientRecord.notes)
                                        .where(ClientRecord.id.in_(edited))).all()) if edited else {}
    report = {kind: Counter() for kind in ("quick-log", "edit")}
    for write in ledger.writes:
        found = logged.get(write.mark, 0) if write.kind == "quick-log" else \
            (notes.get(write.client_id) or "").count(write.mark)
        tally = report[write.kind]
        tally[write.outcome] += 1
        if write.outcome == "ok":
            tally["lost"] += found == 0
            tally["duplicated"] += found > 1
        elif write.outcome == "refused":
            tally["refused but present"] += found > 0
        else:
            tally["unknown, landed"] += found == 1
            tally["duplicated"] += found > 1
    marks = {w.mark for w in ledger.writes if w.kind == "quick-log"}
    report["quick-log"]["unaccounted rows"] = sum(n for summary, n in logged.items() if summary not in marks)
    return {kind: dict(tally) for kind, tally in report.items()}


# ------------------------------------------------------------------------------------------------- report

def phase_table(phases: list[dict]) -> list[str]:
    lines = ["| phase | users | seconds | requests | req/s | p50 ms | p95 ms | p99 ms | errors | 409 conflicts |"
             " refused |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for p in phases:
        lines.append(f"| {p['name']} | {p['users']} | {p['seconds']:.0f} | {p['requests']:,} | {p['throughput']:.1f} | "
                     f"{ms(p['p50'])} | {ms(p['p95'])} | {ms(p['p99'])} | {p['errors']} | "
                     f"{p['outcomes'].get('conflict', 0)} | {p['outcomes'].get('refused', 0)} |")
    return lines


def kinds_table(phase: dict) -> list[str]:
    lines = ["| request | n | p50 ms | p95 ms | p99 ms | errors | 409 | refused |", "|---|---|---|---|---|---|---|---|"]
    for kind, k in sorted(phase["kinds"].items(), key=lambda item: -(item[1]["p95"] or 0)):
        lines.append(f"| {kind} | {k['n']:,} | {ms(k['p50'])} | {ms(k['p95'])} | {ms(k['p99'])} | {k['errors']} | "
                     f"{k['conflicts']} | {k['refused']} |")
    return lines


def render(args, facts, dataset, busy, steps, check, rss, seconds) -> str:
    best = max(steps, key=lambda p: p["throughput"]) if steps else None
    busy_ok = busy and busy["p95"] is not None and busy["p95"] <= TARGET_P95 and busy["errors"] == 0
    problems = sum(t.get(k, 0) for t in check.values() for k in ("lost", "duplicated", "refused but present"))
    lines = ["# KeYuan load test", "",
             f"Written by `bench/loadtest.py` (`make loadtest`); command: "
             f"`{' '.join(['bench/loadtest.py', *args.argv])}`.",
             f"gunicorn with {args.workers} sync workers serving `wsgi:app` on 127.0.0.1; the simulated users run as "
             "threads of one client process on the same machine, each its own signed-in session "
             f"({', '.join(USERNAMES)} in turn); per-request timeout {args.timeout:g} s.", "",
             "## Machine", "", *facts_lines(facts),
             f"- Database: {dataset.backend}, {args.clients:,} demo clients (`flask seed-demo --seed {args.seed}`)",
             f"- Whole run: {seconds / 60:.1f} min excluding seeding", "",
             "## Mix", "",
             "Per action, by weight: " + ", ".join(f"{a} {w}" for a, w in MIX) + " (reads "
             f"{sum(w for a, w in MIX if a not in ('quick-log', 'edit'))} %, writes "
             f"{sum(w for a, w in MIX if a in ('quick-log', 'edit'))} %). A quick log posts a unique summary "
             "(htmx); an edit fetches the client's edit form and posts it back with a line added to the notes, "
             f"keeping the hidden version: {args.hot_clients} clients of each sales rep are edited, by their rep "
             "and by the manager, so edits meet and a stale one gets 409 (a refusal, not an error). A service "
             "engineer's edit turns into a quick log. Errors: 5xx, unexpected statuses, connection errors, "
             "timeouts.", "",
             "## Results", "",
             f"- (a) busy office, {args.users} users pausing {args.pause} s: " + (
                 f"{busy['throughput']:.1f} req/s, p95 {ms(busy['p95'])} ms, {busy['errors']} errors — target p95 "
                 f"≤ {TARGET_P95 * 1000:.0f} ms and no errors: **{'met' if busy_ok else 'missed'}**"
                 if busy else "not run"),
             "- (b) saturation, no pauses: " + (f"highest throughput {best['throughput']:.1f} req/s at {best['users']} "
                                                f"users, p95 {ms(best['p95'])} ms, {best['errors']} errors"
                                                if best else "not run"),
             f"- writes checked against the database: **{problems or 'no'} problem"
             f"{'s' if problems != 1 else ''}** (lost, duplicated, or refused yet saved)",
             f"- worker peak RSS (VmHWM, highest of the workers): {f'{rss:.0f} MB' if rss else 'unknown'}", "",
             *phase_table(([busy] if busy else []) + steps), ""]
    if busy:
        lines += ["### Busy office, by request", "", *kinds_table(busy), ""]
    if best:
        lines += [f"### Saturation at {best['users']} users (highest throughput), by request", "", *kinds_table(best),
                  ""]
    lines += ["## Writes against the database", "",
              "| write | seen ok | refused | unanswered or 5xx | lost | duplicated | refused, saved "
              "| unanswered, saved |",
              "|---|---|---|---|---|---|---|---|"]
    for kind, t in check.items():
        lines.append(f"| {kind} | {t.get('ok', 0)} | {t.get('refused', 0)} | {t.get('unknown', 0)} | "
                     f"{t.get('lost', 0)} | {t.get('duplicated', 0)} | {t.get('refused but present', 0)} | "
                     f"{t.get('unknown, landed', 0)} |")
    if check["quick-log"].get("unaccounted rows"):
        lines.append(f"\n{check['quick-log']['unaccounted rows']} quick-log rows carry this run's prefix but no "
                     "summary the client sent.")
    errors = Counter()
    for p in ([busy] if busy else []) + steps:
        errors.update({f"HTTP {k}": v for k, v in p["statuses"].items()})
        errors.update({k: v for k, v in p["outcomes"].items() if k in ("timeout", "connection")})
    if errors:
        lines += ["", "Errors by kind: " + ", ".join(f"{k} × {v}" for k, v in errors.most_common()) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=10000, help="size of the data set (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=30, help="busy-office users (default 30)")
    parser.add_argument("--busy-seconds", type=float, default=60)
    parser.add_argument("--pause", default="1-3", help="seconds between a busy user's actions (default 1-3)")
    parser.add_argument("--saturation-seconds", type=float, default=48, help="in all, split over the steps")
    parser.add_argument("--saturation-steps", default="4,8,16,30", help="concurrent users without pauses")
    parser.add_argument("--timeout", type=float, default=30, help="per-request timeout in seconds (default 30)")
    parser.add_argument("--hot-clients", type=int, default=10, help="clients per sales rep that edits go to")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (maintenance database; needs "
                        "CREATEDB); default SQLite")
    parser.add_argument("--fresh", action="store_true", help="reseed instead of using the cached database")
    parser.add_argument("--output", default=str(ROOT / "bench" / "LOADTEST.md"))
    args = parser.parse_args()
    args.argv = sys.argv[1:]
    low, high = (float(x) for x in re.split(r"[-,]", args.pause))
    steps = [int(s) for s in args.saturation_steps.split(",") if s.strip()]
    dataset = prepare(args.clients, args.seed, args.database_url, args.fresh)
    started = time.perf_counter()
    run = uuid.uuid4().hex[:8]
    ledger = Ledger()
    try:
        facts = machine_facts(dataset)
        world = world_of(dataset, args.hot_clients)
        with Gunicorn(dataset, workers=args.workers, timeout=int(args.timeout) + 30) as server:
            world["token"] = {}
            for username in USERNAMES:  # one visit each makes the calendar tokens, before anyone runs
                browser = Client(server.port, timeout=args.timeout)
                browser.login(username)
                link = re.search(r"/calendar/([^\"'<>\s]+)\.ics", browser.get("/visits/calendar").text)
                world["token"][username] = link.group(1) if link else "missing"

            numbers = iter(range(10**6))  # unique across phases: a user's number is part of what it writes

            def users(count: int) -> list[User]:
                made = [User(n, USERNAMES[i % len(USERNAMES)], server.port, args.timeout, world, run)
                        for i, n in zip(range(count), numbers, strict=False)]
                sign_in(made)
                return made

            busy = None
            if args.busy_seconds > 0:
                log(f"(a) busy office: {args.users} users for {args.busy_seconds:g} s, pauses {low:g}–{high:g} s")
                busy = run_phase("busy office", users(args.users), args.busy_seconds, (low, high), ledger, server,
                                 args.timeout)
                log(f"    {busy['throughput']:.1f} req/s, p50 {ms(busy['p50'])} ms, p95 {ms(busy['p95'])} ms, "
                    f"p99 {ms(busy['p99'])} ms, errors {busy['errors']}, outcomes {busy['outcomes']}")
            saturation = []
            for count in steps if args.saturation_seconds > 0 else []:
                seconds = args.saturation_seconds / len(steps)
                log(f"(b) saturation: {count} users without pauses for {seconds:g} s")
                step = run_phase(f"saturation {count}", users(count), seconds, None, ledger, server, args.timeout)
                saturation.append(step)
                log(f"    {step['throughput']:.1f} req/s, p50 {ms(step['p50'])} ms, p95 {ms(step['p95'])} ms, "
                    f"p99 {ms(step['p99'])} ms, errors {step['errors']}, outcomes {step['outcomes']}")
            server.stop()
            facts["load_after"] = load_average()
            rss = server.peak_rss_mb
            if any(p["errors"] for p in ([busy] if busy else []) + saturation):
                log("gunicorn log (last lines):\n" + server.log_tail())
        log("checking the writes against the database")
        check = verify(dataset, ledger, run)
        log(f"    {check}")
        report = render(args, facts, dataset, busy, saturation, check, rss, time.perf_counter() - started)
    finally:
        dataset.close()
    Path(args.output).write_text(report)
    print()
    print("\n".join(line for line in report.splitlines() if line.startswith(("- (", "- writes", "- worker", "|"))))
    print(f"\nwritten: {args.output}")


if __name__ == "__main__":
    main()
