"""The review of a period (复盘): one per period and scope, written on its page with the scorecard (seed 003 表4),
a stale save shown as a conflict, a rep's own scope only, and printed as a PDF in Chinese."""
from datetime import date
from decimal import Decimal as D

from sqlalchemy import select

from app.core.models import AuditEvent
from app.dashboard.kpis import Period
from app.dashboard.targets import Review, save_review, save_targets
from tests.factories import make_user
from tests.pdfcheck import check_pdf

NEW = "/dashboard/reviews/new?kind=quarter&period=2026-Q4"


def _reviews(db) -> list[Review]:
    db.session.expire_all()
    return db.session.scalars(select(Review).order_by(Review.id)).all()


def _review(db, rep=None, **values) -> Review:
    review = Review(period_kind="month", period_start=date(2026, 10, 1), rep_id=rep.id if rep else None,
                    **{"lines": {}, **values})
    db.session.add(review)
    db.session.commit()
    return review


def test_a_manager_writes_the_review_of_a_quarter(client, login_as, db):
    login_as("manager")
    page = client.get(NEW).get_data(as_text=True)
    assert "2026年第4季度" in page and "全团队" in page and "差异分析" in page and "改进措施" in page
    assert _reviews(db) == []  # opening the page writes nothing

    response = client.post(NEW, data={"summary": "本季度新客户偏少。", "variance_new_clients": "潜力客户跟进频次不足",
                                      "measures_new_clients": "增加销售团队周跟进次数"})
    [review] = _reviews(db)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dashboard/reviews/{review.id}")
    assert (review.period_kind, review.period_start, review.rep_id) == ("quarter", date(2026, 10, 1), None)
    assert review.lines == {"new_clients": {"variance": "潜力客户跟进频次不足", "measures": "增加销售团队周跟进次数"}}
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "reviews")).all() == ["create"]

    assert client.get(NEW).headers["Location"].endswith(f"/dashboard/reviews/{review.id}")  # one per period
    html = client.get(f"/dashboard/reviews/{review.id}").get_data(as_text=True)
    assert "潜力客户跟进频次不足" in html and "本季度新客户偏少。" in html


def test_the_review_page_shows_the_scorecard(client, login_as, db):
    login_as("admin")
    save_targets(Period.month(2026, 10), None, {"deal_conversion": D("0.35"), "nps": D("20")})
    review = _review(db)
    html = client.get(f"/dashboard/reviews/{review.id}").get_data(as_text=True)
    for header in ("核心指标", "目标值", "实际值", "达成率", "环比变化"):
        assert header in html
    assert "35.0%" in html and "+20" in html and "2026-10" in html


def test_editing_a_review_and_a_stale_save(client, login_as, db):
    login_as("manager")
    review = _review(db, summary="初稿")
    url = f"/dashboard/reviews/{review.id}"
    started = client.get(url).get_data(as_text=True)
    assert 'name="version"' in started

    saved = client.post(url, data={"version": 1, "summary": "定稿", "variance_nps": "售后响应慢"})
    assert saved.status_code == 302
    [review] = _reviews(db)
    assert (review.summary, review.version, review.line("nps", "variance")) == ("定稿", 2, "售后响应慢")

    stale = client.post(url, data={"version": 1, "summary": "另一人的稿", "variance_nps": "售后响应慢"})
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "另一人的稿" in html and "定稿" in html
    assert _reviews(db)[0].summary == "定稿"


def test_a_review_keeps_lines_of_kpis_no_longer_listed(db, app):
    review = _review(db, summary="", lines={"retired": {"variance": "旧指标", "measures": ""}})
    with app.test_request_context():
        save_review(review, {"summary": "新", "measures_new_clients": "多拜访"})
    assert review.lines == {"retired": {"variance": "旧指标", "measures": ""},
                            "new_clients": {"variance": "", "measures": "多拜访"}}


def test_a_rep_reviews_their_own_scope_only(client, login_as, db):
    rep = login_as("sales")
    other = make_user("sales")
    team, theirs = _review(db), _review(db, other)
    assert client.get(f"/dashboard/reviews/{team.id}").status_code == 404
    assert client.get(f"/dashboard/reviews/{theirs.id}.pdf").status_code == 404
    assert client.post(f"/dashboard/reviews/{theirs.id}", data={"summary": "x", "version": 1}).status_code == 404
    assert client.get(f"{NEW}&rep={other.id}").status_code == 404

    assert client.post(NEW, data={"summary": "我的复盘"}).status_code == 302
    mine = [review for review in _reviews(db) if review.rep_id == rep.id]
    assert len(mine) == 1 and mine[0].summary == "我的复盘"
    listing = client.get("/dashboard/reviews").get_data(as_text=True)
    assert f"/dashboard/reviews/{mine[0].id}" in listing
    assert f"/dashboard/reviews/{team.id}\"" not in listing and f"/dashboard/reviews/{theirs.id}\"" not in listing


def test_service_has_no_reviews(client, login_as, db):
    login_as("service")
    review = _review(db)
    for url in ("/dashboard/reviews", NEW, f"/dashboard/reviews/{review.id}", f"/dashboard/reviews/{review.id}.pdf"):
        assert client.get(url).status_code == 403, url


def test_the_list_filters_by_period_kind(client, login_as, db):
    login_as("manager")
    month = _review(db)
    year = Review(period_kind="year", period_start=date(2026, 1, 1), rep_id=None, lines={})
    db.session.add(year)
    db.session.commit()
    html = client.get("/dashboard/reviews?kind=year").get_data(as_text=True)
    assert f"/dashboard/reviews/{year.id}\"" in html and f"/dashboard/reviews/{month.id}\"" not in html
    assert "2026年" in html
    assert client.get("/dashboard/reviews/new?kind=month&period=2026-99").status_code == 400


def test_the_review_prints_as_a_pdf_with_table_4s_columns(client, login_as, db, tmp_path):
    login_as("manager")
    rep = make_user("sales", display_name="王晓燕")
    save_targets(Period.month(2026, 10), rep.id, {"new_clients": D("2"), "deal_conversion": D("0.2")})
    line = {"variance": "潜力客户跟进频次不足", "measures": "增加销售团队周跟进次数"}
    review = _review(db, rep, summary="喆、堃、珺：重点客户回访到位。", lines={"deal_conversion": line})
    response = client.get(f"/dashboard/reviews/{review.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "filename*=UTF-8''%E5%A4%8D%E7%9B%98" in response.headers["Content-Disposition"]  # 复盘-…
    checked = check_pdf(response.data, tmp_path)
    text = "".join(checked.text.split())
    for header in ("评估周期", "核心指标", "目标值", "实际值", "达成率", "差异分析", "改进措施", "环比变化"):
        assert header in text, header
    assert "王晓燕" in text and "2026-10" in text and "潜力客户跟进频次不足" in text and "喆、堃、珺" in text
    assert "20.0%" in text
