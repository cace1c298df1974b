"""The dashboard (issue 15, acceptance 2 and 3): a fixed number of queries whatever the data size, a sales rep
sees only their own clients, and every number on a panel is the count of the list it links to."""
import re
from datetime import date, datetime, timedelta
from decimal import Decimal as D
from html import unescape

from app.complaints.enums import ComplaintStatus
from app.complaints.models import Complaint, Survey
from app.deals.enums import DealStage
from app.deals.services import create_deal
from app.extensions import db
from tests.factories import CadenceRuleFactory, ClientFactory, InteractionFactory, make_user, signed_contract

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10)
_numbers = iter(range(1, 10_000))


def book(rep, clients: int) -> list:
    """A rep's book where every panel has something: grade A clients (called every 14 days) last called in
    September, each with an open deal; every other one overdue on its calls with a complaint past its response
    deadline, a contract whose milestone is past due and a detractor's survey (churn risk), the others called this
    week."""
    made = []
    for n in range(clients):
        client = ClientFactory(owner_id=rep.id, value_grade="A", created_at=datetime(2026, 1, 5, 9))
        InteractionFactory(client_id=client.id, user_id=rep.id, done_at=datetime(2026, 9, 1, 10))
        create_deal(client, {"title": f"升级{n}", "next_action": "约主任", "next_date": TODAY,
                             "amount": D("10000.00")}, rep).stage = (DealStage.NEEDS, DealStage.MEETING)[n % 2]
        if n % 2 == 0:
            db.session.add(Complaint(
                client_id=client.id, number=f"TS-2026-{next(_numbers):04d}", title="HIS 挂号慢", owner_id=rep.id,
                status=ComplaintStatus.ACCEPTED, received_at=NOW - timedelta(days=2),
                response_due_at=NOW - timedelta(days=1)))
            signed_contract(client, rep, "30000.00", date(2026, 9, 1), (date(2026, 10, 1), "30000.00"))
            db.session.add(Survey(client_id=client.id, nps=2, answered_at=NOW - timedelta(days=3)))
        else:
            InteractionFactory(client_id=client.id, user_id=rep.id, done_at=NOW - timedelta(hours=1))
        made.append(client)
    db.session.commit()
    return made


def test_the_manager_dashboard_runs_a_fixed_number_of_queries(client, db, login_as, query_counter, today_is):
    today_is(TODAY)
    CadenceRuleFactory()
    rep = make_user("sales")
    book(rep, 1)
    login_as("manager")

    def queries() -> int:
        with query_counter() as statements:
            response = client.get("/dashboard/")
            assert response.status_code == 200
        return len(statements)

    queries()  # settings and caches warm (the churn-risk ranking is kept until the data changes)
    few = queries()
    book(rep, 12)
    book(make_user("sales"), 12)
    queries()
    assert queries() == few
    assert client.get("/dashboard/?kind=quarter&period=2026-Q4").status_code == 200


LIST_COUNTS = (r"共 ([\d,]+\+?) 个商机", r"共 ([\d,]+\+?) 个客户", r"共 ([\d,]+\+?) 条投诉",
               r"([\d,]+\+?) 个客户有流失风险", r"逾期回访 <span class=\"muted\">\(([\d,]+\+?)\)</span>")


def list_count(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    found = [m.group(1) for pattern in LIST_COUNTS if (m := re.search(pattern, html))]
    assert len(found) == 1, url
    return found[0]


def drill_downs(html: str) -> list[tuple[str, str, str]]:
    """(section, link, number) of every linked number on the dashboard's panels."""
    found = []
    for section, body in re.findall(r'<section class="card" id="(\w+)">(.*?)</section>', html, re.S):
        for url, number in re.findall(r'<a (?:class="count" )?href="([^"]+)">([\d,.%]+(?: 元)?)</a>', body):
            found.append((section, unescape(url), number))
    return found


def ageing_on(client, url: str) -> list[str]:
    html = client.get(url).get_data(as_text=True)
    return re.findall(r'<dd class="num">([^<]+)</dd>', html.split('class="facts ageing-buckets"')[1].split("</dl>")[0])


def panel_counts_equal_their_lists(client, dashboard: str = "/dashboard/") -> dict[str, list[str]]:
    html = client.get(dashboard).get_data(as_text=True)
    seen: dict[str, list[str]] = {}
    for section, url, number in drill_downs(html):
        seen.setdefault(section, []).append(number)
        if section in ("funnel", "overdue", "sla", "churn"):
            assert list_count(client, url) == number, (section, url)
        if section == "ageing":  # the receivables page's buckets, to the fen
            assert number in ageing_on(client, url), (url, number)
    # 5-3-2: the bar is a share; the clients it stands for (the table's note) are the client list's count.
    band_rows = r'<a href="(/clients/\?band=[^"]+)">[\d.]+%</a></td>\s*<td class="num">([\d,]+) ·'
    for band_url, count in re.findall(band_rows, html):
        assert list_count(client, unescape(band_url)) == count
        seen.setdefault("recency-count", []).append(count)
    return seen


def test_each_number_is_the_count_of_its_list_and_a_rep_sees_only_their_own(client, db, login_as, today_is):
    """Rep A's book of 5 (3 overdue, complaints, contracts, at risk) and rep B's of 8 (4 of each). A sees 5 open
    deals, 3 overdue clients under their own name, 3 complaints, 3 at risk — none of B's; the manager sees both
    books; every linked number equals the count of the list it opens."""
    today_is(TODAY)
    CadenceRuleFactory()
    rep_b = make_user("sales", display_name="乙销售")
    book(rep_b, 8)
    rep_a = login_as("sales", display_name="甲销售")
    book(rep_a, 5)
    mine = panel_counts_equal_their_lists(client)
    assert sum(int(n) for n in mine["funnel"]) == 5 and mine["funnel"].count("0") == len(mine["funnel"]) - 2
    assert mine["overdue"] == ["3"] and mine["sla"] == ["3"] and mine["churn"] == ["3"]
    assert sorted(mine["recency-count"], key=int) == ["0", "2", "3"]
    html = client.get("/dashboard/").get_data(as_text=True)
    assert "甲销售" in html and "乙销售" not in html
    assert client.get(f"/dashboard/?rep={rep_b.id}").status_code == 404
    assert client.get(f"/contracts/receivables?rep={rep_b.id}").status_code == 404

    client.post("/auth/logout")
    login_as("manager")
    team = panel_counts_equal_their_lists(client)
    assert sum(int(n) for n in team["funnel"]) == 13
    assert sorted(team["overdue"], key=int) == ["3", "4"] and team["sla"] == ["7"] and team["churn"] == ["7"]
    html = client.get(f"/dashboard/?rep={rep_b.id}").get_data(as_text=True)
    assert "甲销售" not in html.split('id="kpi-heading"')[1]
    # The manager's view of one rep: B's book only, and still each number the count of its list.
    theirs = panel_counts_equal_their_lists(client, f"/dashboard/?rep={rep_b.id}")
    assert sum(int(n) for n in theirs["funnel"]) == 8
    assert theirs["overdue"] == ["4"] and theirs["sla"] == ["4"] and theirs["churn"] == ["4"]
    assert theirs["ageing"] == ["0.00 元", "120,000.00 元", "0.00 元", "0.00 元"]  # due Oct 1: 31–60 days
    assert client.get(f"/dashboard/?rep={rep_b.id + 1000}").status_code == 400  # no such rep: said by the field


def test_a_period_that_does_not_parse_is_said_next_to_the_field(client, db, login_as):
    login_as("manager")
    response = client.get("/dashboard/?kind=quarter&period=2026-13")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and 'value="2026-13"' in html and 'class="error"' in html


def test_the_demo_dashboard_shows_targets_achievement_and_last_months_review(app, client):
    """After seed-demo the manager's dashboard has a target on every card, an achievement where the KPI has a
    value, and last month's review is there to read — for the team and for sales1."""
    from sqlalchemy import select

    from app.core.models import User
    from app.dashboard.kpis import catalogue
    from app.dashboard.targets import Review
    from tests.factories import PASSWORD

    result = app.test_cli_runner().invoke(args=["seed-demo", "--clients", "40", "--seed", "3"])
    assert result.exit_code == 0, result.output
    for user in db.session.execute(select(User)).scalars():
        user.set_password(PASSWORD)
    db.session.commit()
    client.post("/auth/login", data={"username": "manager", "password": PASSWORD})
    html = client.get("/dashboard/").get_data(as_text=True)
    cards = re.findall(r'<article class="card kpi" id="kpi-(\w+)">(.*?)</article>', html, re.S)
    assert [key for key, _card in cards] == [kpi.key for kpi in catalogue()]
    targets = [re.search(r"<dt>目标</dt><dd>([^<]*)</dd>", card).group(1) for _key, card in cards]
    assert "—" not in targets
    assert any("%" in re.search(r"<dt>达成率</dt><dd>([^<]*)", card).group(1) for _key, card in cards)
    assert db.session.scalar(select(Review.summary).where(Review.rep_id.is_(None)))
    sales1 = db.session.scalar(select(User.id).where(User.username == "sales1"))
    html = client.get(f"/dashboard/?rep={sales1}").get_data(as_text=True)
    assert "<dt>目标</dt><dd>—</dd>" not in html


def test_who_sees_which_links(client, db, login_as):
    """Service staff see the team's dashboard without targets or reviews; a rep gets reviews, not targets; a
    manager both."""
    for role, targets, reviews in (("service", False, False), ("sales", False, True), ("manager", True, True)):
        client.post("/auth/logout")
        login_as(role)
        html = client.get("/dashboard/").get_data(as_text=True)
        assert ('href="/dashboard/targets"' in html, 'href="/dashboard/reviews"' in html) == (targets, reviews), role
        assert ("全团队" in html.split("</h1>")[0]) == (role != "sales")
