"""The visit plan (拜访计划) a rep prints for the week: every planned visit with what is needed on site, in a real
CJK font; only the rep's own plan for a rep; a fixed number of queries however many visits."""
from datetime import date, datetime, timedelta
from urllib.parse import quote

import pytest

from app.archive.enums import Gender, Stance
from app.complaints import services as complaint_services
from app.extensions import db
from app.reports.visit_plan import BadPeriod, read_period, this_week
from tests.factories import ClientFactory, ContactFactory, InteractionFactory, SpecialDateFactory, make_user
from tests.pdfcheck import check_pdf

MONDAY = date(2026, 11, 23)
WEEK = "start=2026-11-23&end=2026-11-29"


def squeezed(text: str) -> str:
    return "".join(text.split())  # pdftotext may drop or add spaces between CJK characters


def test_this_week_runs_monday_to_sunday():
    assert this_week(date(2026, 11, 25)) == (MONDAY, date(2026, 11, 29))
    assert this_week(date(2026, 11, 29)) == (MONDAY, date(2026, 11, 29))


def test_the_period_defaults_to_this_week_and_a_start_alone_to_seven_days():
    assert read_period(None, None, date(2026, 11, 27)) == (MONDAY, date(2026, 11, 29))
    assert read_period("2026-12-01", None, MONDAY) == (date(2026, 12, 1), date(2026, 12, 7))


@pytest.mark.parametrize("start, end", [("2026-13-01", None), ("23/11/2026", None), ("2026-11-29", "2026-11-23"),
                                        ("2026-11-01", "2026-12-31")])
def test_a_period_that_cannot_be_read_is_refused(app, start, end):
    with app.test_request_context(), pytest.raises(BadPeriod):
        read_period(start, end, MONDAY)


def _visit(client, rep, at: datetime, **fields):
    return InteractionFactory(client_id=client.id, user_id=rep.id, planned=True, planned_at=at, **fields)


@pytest.fixture
def week(db, login_as):
    """A rep with a visit on Wednesday to a hospital with everything the plan prints."""
    rep = login_as("sales")
    client = ClientFactory(owner_id=rep.id, name="重庆喆堃医院", address="重庆市渝中区人民路12号")
    director = ContactFactory(client_id=client.id, name="王珺", title="信息科主任", mobile="13912345678",
                              gender=Gender.FEMALE, is_key_person=True, stance=Stance.SUPPORT,
                              hobbies="喜欢打羽毛球")
    visit = _visit(client, rep, datetime(2026, 11, 25, 9, 30), agenda="演示移动护理", talking_points="先谈稳定性",
                   fallback_plan="约下周再谈")
    visit.contacts.append(director)
    InteractionFactory(client_id=client.id, user_id=rep.id, done_at=datetime(2026, 11, 10, 15, 0),
                       summary="护士站打印机已调试")
    complaint_services.create_complaint(client, {"title": "挂号系统卡顿"}, rep)
    SpecialDateFactory(client_id=client.id, contact_id=director.id, month=12, day=3, next_on=date(2026, 12, 3))
    db.session.commit()
    return rep, client


def test_the_plan_prints_each_visit_with_what_is_needed_on_site(client, week, tmp_path):
    rep, hospital = week
    response = client.get(f"/reports/visit-plan.pdf?{WEEK}")

    assert response.status_code == 200
    checked = check_pdf(response.data, tmp_path)
    text = squeezed(checked.text)
    for expected in ("拜访计划", "2026-11-23至2026-11-29", "2026-11-25星期三", "09:30", "重庆喆堃医院",
                     "重庆市渝中区人民路12号", "王珺", "13912345678", "演示移动护理", "先谈稳定性", "约下周再谈",
                     "护士站打印机已调试", "挂号系统卡顿", "2026-12-03", "无计划拜访"):
        assert expected in text, expected
    assert "拜访前简报" not in text and "喜欢打羽毛球" not in text
    assert response.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''" + quote(f"拜访计划-{rep.display_name}-2026-11-23至2026-11-29.pdf"))


def test_the_briefing_adds_a_page_per_client_with_stance_and_personal_notes(client, week, tmp_path):
    plain = check_pdf(client.get(f"/reports/visit-plan.pdf?{WEEK}").data, tmp_path)
    checked = check_pdf(client.get(f"/reports/visit-plan.pdf?{WEEK}&briefing=1").data, tmp_path)

    text = squeezed(checked.text)
    assert checked.pages == plain.pages + 1
    assert "拜访前简报·重庆喆堃医院" in text and "支持我方" in text and "喜欢打羽毛球" in text


def test_without_dates_the_plan_is_this_weeks(client, week, tmp_path, today_is):
    today_is(date(2026, 11, 26))
    response = client.get("/reports/visit-plan.pdf")
    assert "2026-11-23至2026-11-29" in squeezed(check_pdf(response.data, tmp_path).text)


def test_a_rep_prints_only_their_own_plan_and_a_manager_anyones(client, login_as, week, tmp_path):
    rep, _hospital = week
    colleague = make_user("sales")
    db.session.commit()
    assert client.get(f"/reports/visit-plan.pdf?user={colleague.id}&{WEEK}").status_code == 404
    assert client.get(f"/reports/visit-plan.pdf?user=999999&{WEEK}").status_code == 404
    assert client.get(f"/reports/visit-plan.pdf?user=abc&{WEEK}").status_code == 404

    client.post("/auth/logout")  # sign in as someone else
    login_as("manager")
    response = client.get(f"/reports/visit-plan.pdf?user={rep.id}&{WEEK}")
    assert response.status_code == 200
    assert "重庆喆堃医院" in squeezed(check_pdf(response.data, tmp_path).text)


def test_another_reps_visit_on_a_client_of_theirs_is_not_in_my_plan(client, week, tmp_path):
    rep, _hospital = week
    colleague = make_user("sales")
    theirs = ClientFactory(owner_id=colleague.id, name="成都别家医院")
    _visit(theirs, colleague, datetime(2026, 11, 24, 10, 0))
    db.session.commit()
    assert "成都别家医院" not in squeezed(check_pdf(client.get(f"/reports/visit-plan.pdf?{WEEK}").data,
                                                    tmp_path).text)


def test_bad_dates_answer_a_clear_page_in_chinese(client, week):
    response = client.get("/reports/visit-plan.pdf?start=2026-02-30")
    assert response.status_code == 400
    assert "日期格式为 YYYY-MM-DD" in response.get_data(as_text=True)


def _plan_queries(client, query_counter) -> int:
    with query_counter() as statements:
        response = client.get(f"/reports/visit-plan.pdf?{WEEK}&briefing=1")
    assert response.status_code == 200
    return len(statements)


def test_the_plan_takes_the_same_queries_for_one_visit_as_for_twenty(client, week, query_counter):
    rep, _hospital = week
    one = _plan_queries(client, query_counter)
    for n in range(19):
        other = ClientFactory(owner_id=rep.id)
        contact = ContactFactory(client_id=other.id)
        visit = _visit(other, rep, datetime(2026, 11, 23, 8, 0) + timedelta(days=n % 7, hours=n // 7))
        visit.contacts.append(contact)
        InteractionFactory(client_id=other.id, user_id=rep.id, done_at=datetime(2026, 11, 1, 9, 0))
        complaint_services.create_complaint(other, {"title": f"问题{n}"}, rep)
        SpecialDateFactory(client_id=other.id, contact_id=contact.id, month=11, day=28, next_on=date(2026, 11, 28))
    db.session.commit()
    assert _plan_queries(client, query_counter) == one
