"""Satisfaction surveys: NPS by hand-worked examples, in SQL per quarter, rep and client; the quarter's reminder;
recording one; the client's own answer through a survey link."""
import re
from datetime import date, datetime

import pytest

from app.archive.enums import Lifecycle
from app.complaints import surveys
from app.complaints.models import Survey
from app.complaints.surveys import Quarter, SurveyFilters, nps, nps_by
from app.core.models import User
from tests.factories import ClientFactory, ContactFactory, make_user


@pytest.mark.parametrize("scores, expected", [
    ([10, 9, 8, 7, 6, 0], 0),  # promoters 2/6, detractors 2/6
    ([9, 10, 10], 100),
    ([0, 6, 3], -100),
    ([7, 8], 0),  # passives only
    ([10, 9, 8], 67),  # 2/3 promoters
    ([10, 0, 8, 8, 8, 8, 8, 8], 0),
    ([10, 10, 8, 8, 8, 8, 8, 6], 13),  # 12.5 rounds away from zero
    ([], None),
])
def test_nps(scores, expected):
    assert nps(scores) == expected


def test_quarters():
    assert Quarter.of(date(2026, 11, 26)) == Quarter(2026, 4)
    assert Quarter(2026, 4).end == datetime(2027, 1, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter.parse("2026q2") == Quarter(2026, 2) and Quarter.parse("2026Q5") is None
    assert Quarter.parse(None) is None and str(Quarter(2026, 3)) == "2026Q3"


def _survey(client, score, when, user=None):
    return surveys.record_survey(client, {"nps": score, "answered_at": when}, user)


@pytest.fixture
def two_reps(db):
    """Rep A: 10, 9, 0 in 2026Q3 and 6 in 2026Q4; rep B: 8 and 10 in 2026Q4."""
    rep_a, rep_b = make_user("sales", display_name="王芳"), make_user("sales", display_name="李强")
    a, b = ClientFactory(owner_id=rep_a.id), ClientFactory(owner_id=rep_b.id)
    for score, when in ((10, datetime(2026, 7, 2)), (9, datetime(2026, 9, 30, 23)), (0, datetime(2026, 8, 1)),
                        (6, datetime(2026, 10, 1))):
        _survey(a, score, when)
    _survey(b, 8, datetime(2026, 11, 1))
    _survey(b, 10, datetime(2026, 12, 31, 23, 59))
    db.session.commit()
    return rep_a, rep_b, a, b


def test_nps_per_quarter_rep_client_and_team_in_sql(db, two_reps):
    rep_a, rep_b, a, b = two_reps
    manager = make_user("manager")
    by_quarter = {row.key: (row.answers, row.nps) for row in nps_by(manager, "quarter")}
    assert by_quarter == {Quarter(2026, 3): (3, 33), Quarter(2026, 4): (3, 0)}  # 2−1 of 3; 1−1 of 3
    assert {row.key: (row.label, row.nps) for row in nps_by(manager, "rep")} == {
        rep_a.id: ("王芳", 0), rep_b.id: ("李强", 50)}  # a: 10, 9 promote, 0, 6 detract
    assert {row.key: row.nps for row in nps_by(manager, "client", SurveyFilters(quarter=Quarter(2026, 4)))} == {
        a.id: -100, b.id: 50}
    team = nps_by(manager, "team")[0]
    assert (team.answers, team.promoters, team.detractors, team.nps) == (6, 3, 2, 17)


def test_a_rep_counts_only_their_clients(db, two_reps):
    rep_a, _rep_b, a, _b = two_reps
    assert [(row.key, row.answers) for row in nps_by(rep_a, "client")] == [(a.id, 4)]
    assert nps_by(rep_a, "team")[0].answers == 4


def test_clients_due_this_quarter(db):
    rep = make_user("sales")
    surveyed, due, prospect = (ClientFactory(owner_id=rep.id) for _ in range(3))
    prospect.status = Lifecycle.PROSPECT
    ClientFactory(owner_id=make_user("sales").id)  # someone else's
    _survey(surveyed, 9, datetime(2026, 10, 5))
    _survey(due, 9, datetime(2026, 9, 30))  # last quarter
    db.session.commit()
    rows = db.session.execute(surveys.clients_due(rep, Quarter(2026, 4))).scalars().all()
    assert rows == [due]


def test_nps_rounds_the_same_in_python_and_sql(db):
    client = ClientFactory()
    for score in (10, 10, 8, 8, 8, 8, 8, 6):
        _survey(client, score, datetime(2026, 10, 1))
    db.session.commit()
    assert nps_by(make_user("admin"), "team")[0].nps == 13


# Pages -----------------------------------------------------------------------------------------------------------

def test_a_rep_records_a_survey_for_their_client(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=mine.id, name="赵主任")
    db.session.commit()
    page = client.get(f"/complaints/surveys/new?client={mine.id}")
    assert page.status_code == 200 and "赵主任" in page.get_data(as_text=True)

    refused = client.post(f"/complaints/surveys/new?client={mine.id}", data={"nps": "11", "comment": "留着"})
    assert refused.status_code == 422
    assert "留着" in refused.get_data(as_text=True)
    assert db.session.execute(db.select(Survey)).first() is None

    saved = client.post(f"/complaints/surveys/new?client={mine.id}", data={
        "nps": "0", "contact_id": contact.id, "product_quality": "4", "comment": "响应慢", "answered_at": ""})
    assert saved.status_code == 302
    survey = db.session.execute(db.select(Survey)).scalar_one()
    assert (survey.nps, survey.product_quality, survey.contact_id, survey.recorded_by_id) == (0, 4, contact.id, rep.id)
    detail = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "响应慢" in detail and "赵主任" in detail


def test_sales_get_404_for_another_reps_client_surveys(client, login_as, db):
    login_as("sales")
    other = ClientFactory(owner_id=make_user("sales").id)
    survey = _survey(other, 9, datetime(2026, 10, 1))
    db.session.commit()
    assert client.get(f"/complaints/surveys/{survey.id}").status_code == 404
    assert client.get(f"/complaints/surveys/new?client={other.id}").status_code == 404
    assert client.post(f"/complaints/surveys/new?client={other.id}", data={"nps": "9"}).status_code == 404
    assert client.post(f"/complaints/surveys/clients/{other.id}/link").status_code == 404
    assert other.name not in client.get("/complaints/surveys").get_data(as_text=True)


def test_the_survey_list_shows_nps_and_the_quarters_reminder(client, login_as, db, two_reps, today_is):
    today_is(date(2026, 11, 26))
    login_as("manager")
    due = ClientFactory(name="未调研县医院")
    db.session.commit()
    html = client.get("/complaints/surveys?quarter=2026Q4").get_data(as_text=True)
    assert "未调研县医院" in html and "本季度（2026 年第 4 季度）尚有 1 家客户未调研" in html
    assert "共 3 份答卷：推荐者 1 位，贬损者 1 位" in html and "王芳" in html
    assert "未调研县医院" in client.get("/complaints/surveys/due").get_data(as_text=True)
    panel = client.get(f"/clients/{due.id}").get_data(as_text=True)
    assert "本季度尚未调研" in panel
    fragment = client.get("/complaints/surveys?page=1", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<h1>" not in fragment and "共 6 份调研" in fragment


def test_the_client_answers_a_survey_through_its_link(client, login_as, db):
    login_as("sales")
    rep = db.session.execute(db.select(User)).scalar_one()
    mine = ClientFactory(owner_id=rep.id, notes="INTERNAL-MARKER-7")
    db.session.commit()
    client.post(f"/complaints/surveys/clients/{mine.id}/link")
    page = client.get(f"/complaints/surveys/clients/{mine.id}/link").get_data(as_text=True)
    url = re.search(r'href="(http://localhost/p/s/[^"]+)"', page).group(1)
    assert "<svg" in page

    client.post("/auth/logout")
    form = client.get(url)
    assert form.status_code == 200 and "INTERNAL-MARKER-7" not in form.get_data(as_text=True)
    assert client.post(url, data={"nps": ""}).status_code == 422
    answered = client.post(url, data={"nps": "9", "service_response": "5", "comment": "很好"})
    assert answered.status_code == 302 and answered.headers["Location"].endswith("/p/thanks")
    survey = db.session.execute(db.select(Survey)).scalar_one()
    assert (survey.client_id, survey.nps, survey.service_response, survey.recorded_by_id) == (mine.id, 9, 5, None)
    assert client.get(url).status_code == 404
