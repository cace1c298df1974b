"""The month's service reports made in the background while people work: bench/pages.py runs this after the page
timings. A seeded database of --batch-clients clients (about a quarter of them active in a month: 750 → ~200 reports)
is served by gunicorn with 4 workers, as `make serve` does, each with its in-process job thread. A rep's pages
are timed before the batch, then again while a manager's batch of last month's reports renders, until it is done.
Reported: the batch's duration and pace, and the pages' medians and p95 before and during."""
import time
from dataclasses import dataclass, field

from harness import Client, Gunicorn, log, median, ms, percentile, prepare

SEARCH = "%E5%8C%BB%E9%99%A2"  # 医院
PAGES = (("today", "/"), ("clients", "/clients/"), ("search", f"/clients/?q={SEARCH}"), ("visits", "/visits/"),
         ("deals", "/deals/"))
BATCH_LIMIT = 20 * 60  # s: a batch slower than this is reported as unfinished


@dataclass
class Timings:
    before: dict = field(default_factory=dict)
    during: dict = field(default_factory=dict)


def _sample(browser: Client, into: dict) -> None:
    for key, path in PAGES:
        reply = browser.get(path)
        if reply.status == 200:
            into.setdefault(key, []).append(reply.seconds)


def _run_state(dataset, month) -> tuple[str, int, int] | None:
    from harness import app_for
    from sqlalchemy import select

    from app.extensions import db
    from app.reports.batch import BatchRun
    with app_for(dataset) as app, app.app_context():
        run = db.session.scalar(select(BatchRun).where(BatchRun.month == month).order_by(BatchRun.id.desc()))
        return (run.status.value, run.done, run.total) if run else None


def bench_batch(clients: int, args) -> dict:
    from harness import app_for

    from app.core.clock import local_today
    from app.core.dates import previous_month
    dataset = prepare(clients, args.seed, args.database_url)
    with app_for(dataset) as app, app.app_context():
        month = previous_month(local_today())
    timings = Timings()
    try:
        with Gunicorn(dataset, workers=4, timeout=int(args.timeout) + 5) as server:
            rep, manager = Client(server.port, timeout=args.timeout), Client(server.port, timeout=args.timeout)
            rep.login("sales1")
            manager.login("manager")
            for _round in range(4):  # every worker warms up (its caches, its first queries)
                _sample(rep, {})
            for _round in range(20):
                _sample(rep, timings.before)
            manager.get("/reports/service-reports/")
            started = time.perf_counter()
            reply = manager.post("/reports/service-reports/", {"month": f"{month:%Y-%m}"})
            if reply.status != 302:
                raise SystemExit(f"starting the batch failed: HTTP {reply.status}")
            state = _run_state(dataset, month)
            while time.perf_counter() - started < BATCH_LIMIT:
                _sample(rep, timings.during)
                state = _run_state(dataset, month)
                if state and state[0] in ("done", "failed"):
                    break
            seconds = time.perf_counter() - started
            log(f"batch of {clients:,} clients: {state} in {seconds:.0f} s")
            server.sample_memory()
            rss = server.peak_rss_mb
    finally:
        dataset.close()
    status, done, total = state or ("missing", 0, 0)
    return {"clients": clients, "month": f"{month:%Y-%m}", "status": status, "reports": done, "total": total,
            "seconds": seconds, "rss_mb": rss,
            "pages": {key: {"before": _figures(timings.before.get(key, [])),
                            "during": _figures(timings.during.get(key, []))} for key, _path in PAGES}}


def _figures(samples: list[float]) -> tuple:
    return median(samples), percentile(samples, 95), len(samples)


def render_batch(result: dict, target_median: float) -> list[str]:
    """The RESULTS.md section: the batch's figures and the pages before and during, with the verdict."""
    done = result["status"] == "done"
    kept = all(figures["during"][0] is not None and figures["during"][0] <= target_median
               for figures in result["pages"].values())
    pace = result["reports"] / result["seconds"] * 60 if result["seconds"] else 0
    rss = f"{result['rss_mb']:.0f} MB" if result["rss_mb"] else "unknown"
    lines = ["## Monthly service-report batch while people work", "",
             f"{result['clients']:,} clients seeded, gunicorn with 4 workers (as `make serve`), each with its "
             f"in-process job thread. A manager starts the batch of {result['month']}; sales1 keeps requesting five "
             "pages in turn until it is done.", "",
             f"- batch: **{result['status']}**, {result['reports']:,} of {result['total']:,} reports in "
             f"{result['seconds']:.0f} s ({pace:.0f} reports a minute); worker peak RSS {rss}",
             f"- pages during the batch: median ≤ {target_median * 1000:.0f} ms "
             + ("**met**" if kept and done else "**missed**"), "",
             "| page | median before (ms) | p95 before | median during (ms) | p95 during | requests during |",
             "| --- | --- | --- | --- | --- | --- |"]
    for key, figures in result["pages"].items():
        (m0, p0, _n0), (m1, p1, n1) = figures["before"], figures["during"]
        lines.append(f"| {key} | {ms(m0)} | {ms(p0)} | {ms(m1)} | {ms(p1)} | {n1} |")
    return [*lines, ""]
