"""Page benchmark (a script, not a test): `make bench`, or

    .venv/bin/python bench/pages.py [--sizes 1000,10000] [--big] [--pages today,clients,...] [--reps 20]
                                    [--database-url postgresql://user@127.0.0.1/postgres] [--fresh]

For every size it takes a seeded database (seeded once, cached under .cache/bench/, copied for the run), serves
it with gunicorn (one worker) on a free 127.0.0.1 port, signs in as the manager and as a sales rep (sales1) and
times every page and htmx fragment: median and p95, ratio to a floor (one bare indexed query), growth between
sizes, the SQL statements one request runs (counted in-process with the Flask test client) and the worker's
peak RSS. Writes bench/RESULTS.md and prints a summary. Slow pages get fewer repetitions (a time budget per
page) and a per-request timeout, and are reported anyway.
"""
import argparse
import json
import math
import re
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from batch import bench_batch, render_batch
from floor import ANONYMOUS_FLOOR_PATH, FLOOR_PATH, add_floor
from harness import (
    CSRF_META,
    DEMO_PASSWORD,
    ROOT,
    Client,
    Dataset,
    Gunicorn,
    app_for,
    facts_lines,
    load_average,
    log,
    machine_facts,
    median,
    ms,
    percentile,
    prepare,
)

ROLES = ("manager", "sales1")
SEARCH = quote("医院")
TARGET_MEDIAN = 0.100  # s, at 10k
TARGET_FLOOR_RATIO = 10
TARGET_GROWTH = 1.5
TARGET_QUICK_LOG = 0.050  # s
TARGET_DOCUMENT = 1.0  # s, a PDF rendered warm (issue 14: a 3-page monthly report under 1 s)
TARGET_RSS_MB = 250


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # may name {client}, {last}, {token}
    method: str = "GET"
    htmx: bool = False
    kind: str = "page"  # page | floor | reference | write | export (judged by its first byte) | document (PDF)
    changed: bool = False  # as after a change: what the app caches until the next commit is built again


PAGES = (
    Page("floor", "floor: signed in, one indexed query, no template", FLOOR_PATH, kind="floor"),
    Page("floor-anonymous", "the same without sign-in", ANONYMOUS_FLOOR_PATH, kind="reference"),
    Page("healthz", "/healthz (schema revision, 2 statements)", "/healthz", kind="reference"),
    Page("today", "Today 今日", "/"),
    Page("clients", "clients, first page", "/clients/"),
    Page("clients-last", "clients, last page", "/clients/?page={last}"),
    Page("search", "search q=医院", f"/clients/?q={SEARCH}"),
    Page("search-htmx", "search q=医院 (htmx fragment)", f"/clients/?q={SEARCH}", htmx=True),
    Page("search-pinyin", "search q=yiyuan (pinyin)", "/clients/?q=yiyuan"),
    Page("search-one", "search for one client by its full name", "/clients/?q={client_name}"),
    Page("client", "client page", "/clients/{client}"),
    Page("client-edit", "client edit form", "/clients/{client}/edit"),
    Page("client-history", "client change history", "/clients/{client}/history"),
    Page("client-new", "new client form", "/clients/new"),
    Page("visits", "visits (mine, planned)", "/visits/"),
    Page("visits-done", "visits done, everyone's", "/visits/?status=done&mine=0"),
    Page("visits-all", "visits all, everyone's", "/visits/?status=all&mine=0"),
    Page("visits-all-htmx", "visits all (htmx fragment)", "/visits/?status=all&mine=0", htmx=True),
    Page("visit", "visit page", "/visits/{visit}"),
    Page("plan", "plan visits form", "/visits/plan"),
    Page("picker", "quick log client picker q=医院 (htmx fragment)", f"/visits/client-picker?client_query={SEARCH}",
         htmx=True),
    Page("overdue", "overdue", "/visits/overdue"),
    Page("overdue-phone", "overdue, phone", "/visits/overdue?channel=phone"),
    Page("care", "care days (mine)", "/visits/care"),
    Page("care-all", "care days, everyone's", "/visits/care?mine=0"),
    Page("recency", "5-3-2 split", "/visits/recency"),
    Page("ics", "iCal feed .ics", "/calendar/{token}.ics"),
    Page("ics-changed", "iCal feed .ics, first request after a change", "/calendar/{token}.ics", changed=True),
    Page("complaints", "complaints, open", "/complaints/"),
    Page("complaints-all", "complaints, all", "/complaints/?status=all"),
    Page("complaints-overdue", "complaints, overdue", "/complaints/?overdue=1"),
    Page("complaint", "complaint page", "/complaints/{complaint}"),
    Page("churn-risk", "churn-risk list", "/complaints/churn-risk"),
    Page("surveys", "satisfaction surveys", "/complaints/surveys"),
    Page("survey", "survey page", "/complaints/surveys/{survey}"),
    Page("deals", "deal board", "/deals/"),
    Page("deals-list", "deal list", "/deals/?view=list"),
    Page("deal", "deal page", "/deals/{deal}"),
    Page("funnel", "stage conversion", "/deals/funnel"),
    Page("cross-sell", "cross-sell list", "/deals/cross-sell"),
    Page("contracts", "contracts", "/contracts/"),
    Page("contract", "contract page", "/contracts/{contract}"),
    Page("receivables", "receivables", "/contracts/receivables"),
    Page("dashboard", "dashboard, this month", "/dashboard/"),
    Page("dashboard-changed", "dashboard, first request after a change", "/dashboard/", changed=True),
    Page("dashboard-quarter", "dashboard, this quarter", "/dashboard/?kind=quarter"),
    Page("dashboard-year", "dashboard, this year", "/dashboard/?kind=year"),
    Page("reviews", "reviews (复盘)", "/dashboard/reviews"),
    Page("visit-plan", "visit plan PDF, this week", "/reports/visit-plan.pdf", kind="document"),
    Page("service-report", "service monthly report PDF, last month",
         "/reports/clients/{client}/service-report/{month}.pdf", kind="document"),
    Page("service-report-busy", "service monthly report PDF, sales1's busiest client last month",
         "/reports/clients/{busy_client}/service-report/{month}.pdf", kind="document"),
    Page("vip", "VIP quarterly summary, last quarter (sales1's busiest client)", "/reports/vip/{busy_client}"),
    Page("vip-pdf", "VIP quarterly summary PDF", "/reports/vip/{busy_client}.pdf", kind="document"),
    Page("contract-sheet", "contract-tracking sheet PDF", "/reports/clients/{contract_client}/contracts.pdf",
         kind="document"),
    Page("labels", "mailing labels PDF, one client", "/reports/labels.pdf?q={client_name}", kind="document"),
    Page("export-xlsx", "export .xlsx", "/clients/export.xlsx", kind="export"),
    Page("export-csv", "export .csv", "/clients/export.csv", kind="export"),
    Page("quick-log", "quick log POST (htmx)", "/visits/clients/{client}/quick-log", "POST", True, "write"),
)


def quick_log_form() -> dict:
    return {"method": "phone", "summary": f"基准测试 {uuid.uuid4().hex[:12]}", "client_key": uuid.uuid4().hex}


@dataclass
class Result:
    samples: list[float] = field(default_factory=list)
    first: list[float] = field(default_factory=list)  # time to the first byte, per sample
    status: int | None = None
    error: str | None = None
    queries: int | None = None
    queries_note: str = ""
    over: float | None = None  # the request timed out after this many seconds

    def shown(self) -> str:
        if self.over:
            return f"> {ms(self.over)} (timeout)"
        return ms(self.median) + (f" ({self.error})" if self.error else "") + (
            f" (first byte {ms(self.first_byte)})" if self.first else "")

    @property
    def first_byte(self):
        return median(self.first)

    @property
    def median(self):
        return median(self.samples)

    @property
    def p95(self):
        return percentile(self.samples, 95)


# ------------------------------------------------------------------------------------ what to request

def discover(dataset: Dataset, http: dict[str, Client]) -> dict:
    """The ids the page paths need: a sales1 client (the median by number of visits, so both roles see it),
    each role's last client-list page and calendar token."""
    from sqlalchemy import func, select

    from app.archive.models import Client as ClientRecord
    from app.complaints.models import Complaint, Survey
    from app.core.clock import local_today
    from app.core.dates import previous_month
    from app.core.models import User
    from app.deals.models import Contract, Deal
    from app.extensions import db
    from app.visits.models import Interaction

    with app_for(dataset) as app, app.app_context():
        sales1 = db.session.scalar(select(User.id).where(User.username == "sales1"))
        visits = func.count(Interaction.id)
        rows = db.session.execute(
            select(ClientRecord.id, visits).outerjoin(Interaction, Interaction.client_id == ClientRecord.id)
            .where(ClientRecord.owner_id == sales1, ClientRecord.deleted_at.is_(None))
            .group_by(ClientRecord.id).order_by(visits, ClientRecord.id)).all()
        page_size = app.config["PAGE_SIZE"]
        if not rows:
            raise SystemExit("sales1 owns no client in this database")
        client_id, client_visits = rows[len(rows) // 2]
        visit_id = db.session.scalar(select(func.max(Interaction.id)).where(Interaction.client_id == client_id))
        client_name = db.session.get(ClientRecord, client_id).name
        of_sales1 = select(ClientRecord.id).where(ClientRecord.owner_id == sales1)
        # The latest complaint, survey, deal and contract of sales1's clients: both roles see them.
        complaint_id = db.session.scalar(select(func.max(Complaint.id)).where(Complaint.client_id.in_(of_sales1)))
        survey_id = db.session.scalar(select(func.max(Survey.id)).where(Survey.client_id.in_(of_sales1)))
        deal_id = db.session.scalar(select(func.max(Deal.id)).where(Deal.client_id.in_(of_sales1)))
        contract_id = db.session.scalar(select(func.max(Contract.id)).where(Contract.client_id.in_(of_sales1)))
        contract_client = db.session.get(Contract, contract_id).client_id if contract_id else client_id
        first = local_today().replace(day=1)
        previous = previous_month(first)
        month = previous.strftime("%Y-%m")
        done_last_month = (select(Interaction.client_id, func.count().label("n"))
                           .where(Interaction.client_id.in_(of_sales1), Interaction.done_at >= previous,
                                  Interaction.done_at < first).group_by(Interaction.client_id).subquery())
        busy_client = db.session.scalar(select(done_last_month.c.client_id)
                                        .order_by(done_last_month.c.n.desc(), done_last_month.c.client_id).limit(1))
    targets = {"contract_client": contract_client, "month": month, "busy_client": busy_client or client_id,
               "client": client_id, "client_name": quote(client_name), "client_visits": client_visits,
               "visit": visit_id, "complaint": complaint_id, "survey": survey_id, "deal": deal_id,
               "contract": contract_id}
    for role, browser in http.items():
        listing = browser.get("/clients/").text
        found = re.search(r'id="result-count"[^>]*>([^<]*)<', listing)
        count = int(re.sub(r"\D", "", found.group(1)) or 0) if found else 0
        link = re.search(r"/calendar/([^\"'<>\s]+)\.ics", browser.get("/visits/calendar").text)
        targets[role] = {"last": max(1, math.ceil(count / page_size)), "clients": count,
                         "token": link.group(1) if link else "missing"}
    return targets


def path_for(page: Page, targets: dict, role: str) -> str:
    return page.path.format(client=targets["client"], client_name=targets["client_name"], visit=targets["visit"],
                            complaint=targets["complaint"], survey=targets["survey"], deal=targets["deal"],
                            contract=targets["contract"], contract_client=targets["contract_client"],
                            month=targets["month"], busy_client=targets["busy_client"], **targets[role])


# --------------------------------------------------------------------------------- in-process query counts

class _Overrun(BaseException):
    """Raised by the alarm inside a request that runs too long: not an Exception, so Flask lets it through."""


def _alarm(_signum, _frame):
    raise _Overrun()


def count_queries(dataset: Dataset, targets: dict, pages: list[Page], results: dict, limit: float) -> None:
    """The SQL statements one request runs, per page and role: the Flask test client, signed in, on the same
    database, counting with a before_cursor_execute listener (the second of two runs when the first is quick,
    so one-off work at start does not count)."""
    from sqlalchemy import event

    from app.extensions import db

    with app_for(dataset) as app:
        if any(page.path in (FLOOR_PATH, ANONYMOUS_FLOOR_PATH) for page in pages):
            add_floor(app)
        with app.app_context():
            engine = db.engine
        counter = [0]

        def count(*_args):
            counter[0] += 1

        event.listen(engine, "before_cursor_execute", count)
        previous = signal.signal(signal.SIGALRM, _alarm)
        try:
            for role in ROLES:
                browser = app.test_client()
                token = CSRF_META.search(browser.get("/auth/login").get_data(as_text=True)).group(1)
                signed_in = browser.post("/auth/login", data={"username": role, "password": DEMO_PASSWORD,
                                                              "csrf_token": token})
                if signed_in.status_code != 302:
                    raise SystemExit(f"in-process sign-in as {role} failed: {signed_in.status_code}")
                for page in pages:
                    result = results[role][page.key]
                    for _attempt in range(2):
                        counter[0] = 0
                        form = {**quick_log_form(), "csrf_token": token} if page.method == "POST" else None
                        headers = {"HX-Request": "true"} if page.htmx else {}
                        start = time.perf_counter()
                        signal.setitimer(signal.ITIMER_REAL, limit)
                        try:
                            reply = browser.open(path_for(page, targets, role), method=page.method, data=form,
                                                 headers=headers)
                            reply.get_data()  # a streamed export runs its queries while it is read
                            reply.close()
                        except _Overrun:
                            result.queries, result.queries_note = counter[0], f"stopped after {limit:.0f} s"
                            break
                        finally:
                            signal.setitimer(signal.ITIMER_REAL, 0)
                        result.queries, result.queries_note = counter[0], ""
                        if reply.status_code != 200:
                            result.queries_note = f"HTTP {reply.status_code}"
                        if time.perf_counter() - start > 2:
                            break
        finally:
            signal.signal(signal.SIGALRM, previous)
            event.remove(engine, "before_cursor_execute", count)


# ------------------------------------------------------------------------------------------ HTTP timings

def time_page(server: Gunicorn, browser: Client, page: Page, path: str, result: Result, args) -> None:
    """Median/p95 over up to --reps requests after one warm-up; a slow page (warm-up over --slow s) keeps its
    warm-up as a sample and gets only what fits in --page-budget seconds."""
    def once():
        if page.changed:
            server.data_changed()
        form = quick_log_form() if page.method == "POST" else None
        reply = browser.request(page.method, path, form={"csrf_token": browser.csrf, **form} if form else None,
                                htmx=page.htmx)
        result.status = reply.status
        if reply.status != 200:
            result.error = f"HTTP {reply.status}"
        return reply

    def keep(reply):
        result.samples.append(reply.seconds)
        if page.kind == "export":
            result.first.append(reply.first_byte)

    spent = 0.0
    try:
        warm = once()
        if result.error:
            return
        spent += warm.seconds
        if warm.seconds >= args.slow:
            keep(warm)
        while len(result.samples) < args.reps:
            estimate = median(result.samples) or warm.seconds
            if result.samples and spent + estimate > args.page_budget:
                break
            reply = once()
            if result.error:
                return
            keep(reply)
            spent += reply.seconds
    except TimeoutError:
        result.error, result.over = f"timeout (> {args.timeout:.0f} s)", args.timeout
        log(f"  {page.key}: no answer within {args.timeout:.0f} s; waiting for the worker")
        server.wait_idle(server.timeout + 30)
    except OSError as exc:
        result.error = f"{type(exc).__name__}: {exc}"
        server.wait_idle(30)


def bench_size(clients: int, args, pages: list[Page]) -> dict:
    dataset = prepare(clients, args.seed, args.database_url, args.fresh)
    results = {role: {page.key: Result() for page in pages} for role in ROLES}
    facts = machine_facts(dataset)
    started = time.perf_counter()
    try:
        app = "wsgi:app" if args.floor == "healthz" else "bench.floor_app:app"
        # gunicorn stops a request soon after the client gave up on it: the figure would not change, the run would.
        with Gunicorn(dataset, workers=1, app=app, timeout=int(args.timeout) + 5) as server:
            http = {role: Client(server.port, timeout=args.timeout) for role in ROLES}
            for role, browser in http.items():
                browser.login(role)
            targets = discover(dataset, http)
            log(f"{clients:,} clients: client page #{targets['client']} ({targets['client_visits']} visits); "
                + "; ".join(f"{role} sees {targets[role]['clients']:,} clients, last page {targets[role]['last']}"
                            for role in ROLES))
            if not args.no_queries:
                log(f"{clients:,} clients: counting SQL statements in-process")
                count_queries(dataset, targets, pages, results, args.timeout)
            for role, browser in http.items():
                for page in pages:
                    result = results[role][page.key]
                    time_page(server, browser, page, path_for(page, targets, role), result, args)
                    server.sample_memory()
                    log(f"{clients:>6,} {role:<8} {page.key:<16} median {ms(result.median):>7} ms  "
                        f"p95 {ms(result.p95):>7} ms  n={len(result.samples):<3} queries {result.queries}"
                        + (f"  {result.error}" if result.error else ""))
            server.stop()
            facts["load_after"] = load_average()
            rss = server.peak_rss_mb
            if any(r.error for role in results.values() for r in role.values()) and server.log_tail():
                log("gunicorn log (last lines):\n" + server.log_tail())
        return {"clients": clients, "results": results, "rss_mb": rss, "targets": targets, "seeded": dataset.seeded,
                "backend": dataset.backend, "facts": facts,
                "seconds": time.perf_counter() - started}
    finally:
        dataset.close()


# ------------------------------------------------------------------------------------------------ report

def evaluate(runs: list[dict], pages: list[Page]) -> tuple[int, int, dict]:
    """Targets at the target size (10k, or the largest run) against the smallest size."""
    sizes = [run["clients"] for run in runs]
    target = next((run for run in runs if run["clients"] == 10000), runs[-1])
    base = runs[0] if runs[0] is not target else None
    verdicts = {}
    for role in ROLES:
        floor = target["results"][role]["floor"].median if "floor" in target["results"][role] else None
        for page in pages:
            if page.kind in ("floor", "reference"):
                continue
            now = target["results"][role][page.key]
            missed, met = [], []
            if now.median is None:
                missed.append(now.error or "no figure")
            elif page.kind == "export":  # streamed: the first byte comes fast, the rest as fast as it is read
                (met if now.first_byte <= TARGET_MEDIAN else missed).append(
                    f"first byte ≤ {TARGET_MEDIAN * 1000:.0f} ms")
            elif page.kind == "document":  # a PDF: rendering dominates, judged against a second
                (met if now.median <= TARGET_DOCUMENT else missed).append(
                    f"median ≤ {TARGET_DOCUMENT * 1000:.0f} ms")
            else:
                limit = TARGET_QUICK_LOG if page.kind == "write" else TARGET_MEDIAN
                (met if now.median <= limit else missed).append(f"median ≤ {limit * 1000:.0f} ms")
                if floor:
                    (met if now.median <= TARGET_FLOOR_RATIO * floor else missed).append("≤ 10× floor")
            if base and page.kind != "export":
                before = base["results"][role][page.key]
                if before.median and now.median:
                    (met if now.median / before.median <= TARGET_GROWTH else missed).append("growth ≤ 1.5×")
                if before.queries is not None and now.queries is not None:
                    (met if before.queries == now.queries else missed).append("same queries")
            verdicts[(role, page.key)] = (met, missed)
    for run in runs:
        rss = run["rss_mb"]
        verdicts[("rss", run["clients"])] = (([f"RSS ≤ {TARGET_RSS_MB} MB"], []) if rss and rss <= TARGET_RSS_MB
                                             else ([], [f"RSS ≤ {TARGET_RSS_MB} MB"]))
    met = sum(len(v[0]) for v in verdicts.values())
    missed = sum(len(v[1]) for v in verdicts.values())
    return met, missed, {"verdicts": verdicts, "target": target["clients"], "base": base and base["clients"],
                         "sizes": sizes}


def render(runs: list[dict], pages: list[Page], args, seconds: float) -> str:
    met, missed, ev = evaluate(runs, pages)
    verdicts, target_size, base_size = ev["verdicts"], ev["target"], ev["base"]
    first = runs[0]
    lines = ["# KeYuan page benchmark", "",
             f"Written by `bench/pages.py` (`make bench`); command: `{' '.join(['bench/pages.py', *sys.argv[1:]])}`.",
             "Times are wall-clock milliseconds seen by a client on the same machine (loopback), one gunicorn "
             "sync worker serving `wsgi:app`" + (" plus the floor route (bench/floor_app.py)" if args.floor != "healthz"
                                                 else "") + ", after one warm-up request per page.", "",
             "## Machine", "", *facts_lines(first["facts"]),
             f"- Database: {first['backend']}; demo data from `flask seed-demo --seed {args.seed}` "
             f"(seeded {first['seeded'].get('on', '?')})",
             f"- Run: {len(runs)} size(s), {seconds / 60:.1f} min excluding seeding; up to {args.reps} requests "
             f"per page, a page slower than {args.slow:g} s keeps its warm-up as a sample and gets what fits in "
             f"{args.page_budget:g} s; per-request timeout {args.timeout:g} s", "",
             "## How to read it", "",
             "- **median / p95**: over n requests (nearest-rank p95; with few samples p95 is the slowest one).",
             "- **× floor**: median over the floor's median in the same run. The floor is "
             + ("`/healthz`" if args.floor == "healthz" else
                "`/_bench/floor`, a route the benchmark adds (bench/floor.py): signed in (the session read and the "
                "user loaded, as on every page), one query by a unique index, no template; the same route without "
                "sign-in is listed for reference") + ". `/healthz` is listed for reference: it reads the schema "
                "revision (2 statements) and the migration scripts' head.",
             f"- **growth**: median at this size over the median at {runs[0]['clients']:,} clients.",
             "- **queries**: SQL statements one request runs, counted in-process (Flask test client, same database, "
             "a `before_cursor_execute` listener), the second run when the first is quick.",
             f"- **targets** (at {target_size:,} clients"
             + (f", growth and queries against {base_size:,}" if base_size else "") + f"): median ≤ "
             f"{TARGET_MEDIAN * 1000:.0f} ms and ≤ {TARGET_FLOOR_RATIO}× floor, growth ≤ {TARGET_GROWTH}×, the same "
             f"query count at both sizes, quick-log POST ≤ {TARGET_QUICK_LOG * 1000:.0f} ms, worker peak RSS "
             f"≤ {TARGET_RSS_MB} MB. The exports carry every row, so they are judged as streams: the first byte "
             f"≤ {TARGET_MEDIAN * 1000:.0f} ms (shown next to the median of the whole download), memory by the "
             "worker's peak RSS; the last list page skips over every row, so its growth follows the data. Documents "
             f"(PDFs) are judged by median ≤ {TARGET_DOCUMENT * 1000:.0f} ms, growth and queries.", "",
             f"**{met} targets met, {missed} missed.**", ""]
    if target_size != 10000:
        lines += [f"Note: this run has no 10,000-client size; targets are checked at {target_size:,}.", ""]
    lines += ["## Summary", ""]
    lines += summary_lines(runs, pages, verdicts, target_size)
    for run in runs:
        size = run["clients"]
        rss = run["rss_mb"]
        rss_text = f"{rss:.0f} MB" if rss else "unknown"
        rss_mark = "met" if verdicts[("rss", size)][0] else "**missed**"
        lines += ["", f"## {size:,} clients", "",
                  f"Worker peak RSS (VmHWM after the run): {rss_text} ({rss_mark}); seeding took "
                  f"{run['seeded'].get('seconds', '?')} s (cached between runs); measured in "
                  f"{run['seconds'] / 60:.1f} min; client page #{run['targets']['client']} "
                  f"({run['targets']['client_visits']} visits)."]
        for role in ROLES:
            info = run["targets"][role]
            lines += ["", f"### {size:,} clients — {role} (sees {info['clients']:,} clients, "
                          f"{info['last']} list pages)", ""]
            with_targets = size == target_size
            head = "| page | median ms | p95 ms | n | × floor | growth | queries |" + (" targets |" if with_targets
                                                                                       else "")
            lines += [head, "|" + "---|" * (head.count("|") - 1)]
            floor = run["results"][role]["floor"].median if "floor" in run["results"][role] else None
            for page in pages:
                res = run["results"][role][page.key]
                ratio = f"{res.median / floor:.1f}" if res.median and floor else "—"
                base = runs[0]["results"][role][page.key] if run is not runs[0] else None
                growth = f"{res.median / base.median:.2f}×" if base and base.median and res.median else "—"
                queries = "—" if res.queries is None else str(res.queries)
                if res.queries_note:
                    queries += f" ({res.queries_note})"
                if base and base.queries is not None and res.queries is not None and base.queries != res.queries:
                    queries += f" (was {base.queries})"
                median_text = res.shown()
                row = (f"| {page.label} | {median_text} | {ms(res.p95)} | {len(res.samples)} | {ratio} | {growth} | "
                       f"{queries} |")
                if with_targets:
                    row += f" {verdict_text(verdicts.get((role, page.key)))} |"
                lines.append(row)
    return "\n".join(lines) + "\n"


def verdict_text(verdict) -> str:
    if verdict is None:
        return "—"
    met, missed = verdict
    if not missed:
        return "met"
    return "**missed**: " + ", ".join(missed)


def summary_lines(runs: list[dict], pages: list[Page], verdicts: dict, target_size: int) -> list[str]:
    target = next(run for run in runs if run["clients"] == target_size)
    lines = []
    for role in ROLES:
        measured = [(p, target["results"][role][p.key]) for p in pages if p.kind not in ("floor", "reference")]
        slowest = sorted(measured, key=lambda item: -(item[1].over or item[1].median or float("inf")))[:5]
        lines.append(f"- {role} at {target_size:,}: slowest "
                     + ", ".join(f"{p.label} {r.shown()}{'' if r.error else ' ms'}" for p, r in slowest))
        ok = [p.label for p in pages if (role, p.key) in verdicts and not verdicts[(role, p.key)][1]]
        lines.append(f"- {role}: {len(ok)} of {len(measured)} pages meet every target"
                     + (f" ({', '.join(ok)})" if ok else ""))
        errors = [f"{p.label}: {run['clients']:,} {run['results'][role][p.key].error}" for run in runs for p in pages
                  if run["results"][role][p.key].error]
        if errors:
            lines.append(f"- {role}, errors: " + "; ".join(errors))
    lines.append("- worker peak RSS: " + ", ".join(
        f"{run['clients']:,}: {run['rss_mb']:.0f} MB" if run["rss_mb"] else f"{run['clients']:,}: unknown"
        for run in runs))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="client counts, comma-separated (default 1000,10000)")
    parser.add_argument("--big", action="store_true", help="add 50,000 clients")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", default="", help="page keys, comma-separated (default all): "
                        + ",".join(p.key for p in PAGES))
    parser.add_argument("--reps", type=int, default=20, help="requests per page after the warm-up (default 20)")
    parser.add_argument("--page-budget", type=float, default=20, help="seconds a slow page may take (default 20)")
    parser.add_argument("--slow", type=float, default=1.0, help="a page this slow (s) keeps its warm-up as a sample")
    parser.add_argument("--timeout", type=float, default=30, help="per-request timeout in seconds, also the limit "
                        "of an in-process query count (default 30)")
    parser.add_argument("--floor", choices=("bench", "healthz"), default="bench",
                        help="the floor: the bench route with one indexed query (default) or /healthz")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server (its maintenance database, e.g. "
                        "postgresql://user@127.0.0.1/postgres; needs CREATEDB); default SQLite")
    parser.add_argument("--fresh", action="store_true", help="reseed instead of using cached databases")
    parser.add_argument("--no-queries", action="store_true", help="skip the in-process query counts")
    parser.add_argument("--batch-clients", type=int, default=750, help="the monthly report batch is run on a "
                        "database of this many clients while pages are timed (default 750, ~200 reports; 0: skip)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} | ({50000} if args.big else set()))
    wanted = {k.strip() for k in args.pages.split(",") if k.strip()}
    unknown = wanted - {p.key for p in PAGES}
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    pages = [p for p in PAGES if not wanted or p.key in wanted or p.kind == "floor"]
    if args.floor == "healthz":
        pages = [p for p in pages if p.kind != "floor"]
        pages = [Page("floor", "/healthz (the floor)", "/healthz", kind="floor")] + [
            p for p in pages if p.key != "healthz"]
    for size in sizes:  # seed first, so the timing runs are not interleaved with seeding
        prepare(size, args.seed, args.database_url, args.fresh, seed_only=True)
    args.fresh = False
    started = time.perf_counter()
    runs = []
    for size in sizes:
        log(f"measuring {size:,} clients")
        runs.append(bench_size(size, args, pages))
    batch = None
    if args.batch_clients:
        prepare(args.batch_clients, args.seed, args.database_url, seed_only=True)
        log(f"the monthly report batch on {args.batch_clients:,} clients")
        batch = bench_batch(args.batch_clients, args)
    seconds = time.perf_counter() - started
    report = render(runs, pages, args, seconds)
    if batch:
        report += "\n" + "\n".join(render_batch(batch, TARGET_MEDIAN))
    Path(args.output).write_text(report)
    raw = ROOT / ".cache" / "bench" / f"pages-{time.strftime('%Y%m%d-%H%M%S')}.json"
    raw.write_text(json.dumps([{**run, "results": {role: {k: vars(r) for k, r in res.items()}
                                                   for role, res in run["results"].items()}} for run in runs],
                              ensure_ascii=False, indent=1, default=str))
    print()
    print("\n".join(line for line in report.splitlines() if line.startswith(("**", "- ", "Note"))
                    and not line.startswith(("- **", "- Date", "- CPU", "- OS", "- Python", "- Database", "- Run"))))
    print(f"\nwritten: {args.output} ({seconds / 60:.1f} min excluding seeding); "
          f"raw figures: {raw.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
