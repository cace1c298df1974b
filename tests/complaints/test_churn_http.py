"""The churn pages as people use them: the churn-risk list (scoped, filtered, a fixed number of queries), churn
records that mark a client lost and a win-back that makes it a customer again, the client page's section."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.archive.enums import Lifecycle
from app.archive.models import Client
from app.complaints.churn import ChurnRecord
from app.complaints.enums import ChurnOutcome, ChurnReason, ComplaintStatus
from app.complaints.models import Complaint, Survey
from app.complaints.surveys import record_survey
from app.core.models import AuditEvent
from tests.factories import ClientFactory, make_user

TODAY = date(2026, 12, 1)


@pytest.fixture(autouse=True)
def frozen(app, monkeypatch):
    monkeypatch.setitem(app.config, "KEYUAN_TODAY", TODAY)


def at_risk(db, owner, count, start=0):
    """Clients with a detractor survey and an overdue complaint each."""
    made = []
    for n in range(start, start + count):
        record = ClientFactory(owner_id=owner.id)
        db.session.add_all([
            Survey(client_id=record.id, answered_at=datetime(2026, 11, 1), nps=n % 7),
            Complaint(client_id=record.id, number=f"TS-2026-{n + 1:04d}", title="PACS 调阅慢",
                      received_at=datetime(2026, 11, 1, 9), response_due_at=datetime(2026, 11, 2, 9))])
        made.append(record)
    db.session.commit()
    return made


def test_the_ranking_kept_between_pages_follows_a_change_at_once(client, login_as, db):
    """The list keeps its ranking between requests; a survey saved a moment later still shows on the next one."""
    rep = login_as("sales")
    at_risk(db, rep, 1)
    quiet = ClientFactory(owner_id=rep.id, name="重庆市安宁医院")
    db.session.commit()
    assert quiet.name not in client.get("/complaints/churn-risk").get_data(as_text=True)

    record_survey(quiet, {"nps": 2, "answered_at": datetime(2026, 11, 30, 10)}, rep)
    db.session.commit()
    page = client.get("/complaints/churn-risk").get_data(as_text=True)
    assert quiet.name in page and "2 个客户有流失风险" in page


def churn_form(**values) -> dict:
    return {"lost_on": "2026-11-20", "reason": "competitor", "competitor": "卫宁健康", "details": "新院区整体换平台",
            "self_review": "高层关系没维护", "win_back_plan": "二期项目重新进入", "outcome": "pending", **values}


def test_the_churn_risk_page_shows_reasons_and_is_scoped(client, login_as, db):
    rep = login_as("sales")
    mine = at_risk(db, rep, 1)[0]
    theirs = at_risk(db, make_user("sales"), 1, start=1)[0]

    page = client.get("/complaints/churn-risk").get_data(as_text=True)
    assert mine.name in page and theirs.name not in page
    assert "投诉超时未处理" in page and "NPS 贬损者" in page

    fragment = client.get("/complaints/churn-risk?signal=nps_detractor", headers={"HX-Request": "true"})
    assert "HX-Request" in fragment.headers["Vary"] and "<html" not in fragment.get_data(as_text=True)
    assert mine.name in fragment.get_data(as_text=True)
    assert mine.name not in client.get("/complaints/churn-risk?signal=sla_breach").get_data(as_text=True)


def test_a_manager_filters_the_risk_list_by_owner(client, login_as, db):
    login_as("manager")
    first, second = make_user("sales", display_name="李晓燕"), make_user("sales", display_name="张伟")
    ours, theirs = at_risk(db, first, 1)[0], at_risk(db, second, 1, start=1)[0]
    page = client.get(f"/complaints/churn-risk?owner={second.id}").get_data(as_text=True)
    assert theirs.name in page and ours.name not in page and "李晓燕" in page  # offered in the owner filter


@pytest.mark.parametrize("role", ["sales", "manager"])
def test_the_churn_risk_page_takes_the_same_queries_for_1_and_30_clients(client, login_as, db, query_counter,
                                                                          role):
    user = login_as(role)
    at_risk(db, user, 1)

    def queries():
        with query_counter() as statements:
            assert client.get("/complaints/churn-risk").status_code == 200
        return len(statements)

    few = queries()
    at_risk(db, user, 29, start=1)
    assert queries() == few


def test_recording_a_churn_marks_the_client_lost_and_a_win_back_makes_it_a_customer(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id, name="绵阳市中医院")
    db.session.commit()

    response = client.post(f"/complaints/churn/new?client={hospital.id}", data=churn_form())
    assert response.status_code == 302
    record = db.session.execute(select(ChurnRecord)).scalar_one()
    assert (record.reason, record.competitor, record.outcome) == (ChurnReason.COMPETITOR, "卫宁健康",
                                                                  ChurnOutcome.PENDING)
    db.session.expire_all()
    assert db.session.get(Client, hospital.id).status == Lifecycle.LOST
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "churn_records")) == "create"

    page = client.get(f"/complaints/churn/{record.id}").get_data(as_text=True)
    assert "竞争对手" in page and "卫宁健康" in page and "自我检查" in page and "挽回中" in page

    response = client.post(f"/complaints/churn/{record.id}/edit",
                           data=churn_form(outcome="won_back", version=record.version))
    assert response.status_code == 302
    db.session.expire_all()
    record = db.session.get(ChurnRecord, record.id)
    assert record.outcome == ChurnOutcome.WON_BACK and record.outcome_on == TODAY
    assert db.session.get(Client, hospital.id).status == Lifecycle.CUSTOMER

    listing = client.get("/complaints/churn").get_data(as_text=True)
    assert "绵阳市中医院" in listing and "已挽回" in listing and "客户流失原因" in listing
    section = client.get(f"/clients/{hospital.id}").get_data(as_text=True)
    assert 'id="churn"' in section and "已挽回" in section and "登记为流失客户" in section


def test_a_bad_churn_form_keeps_what_was_typed_and_saves_nothing(client, login_as, db):
    rep = login_as("sales")
    hospital = ClientFactory(owner_id=rep.id)
    db.session.commit()
    response = client.post(f"/complaints/churn/new?client={hospital.id}",
                           data=churn_form(outcome="lost", outcome_on="2026-11-01", reason=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "结果日期不能早于流失日期。" in page and "卫宁健康" in page
    assert db.session.scalar(select(ChurnRecord.id)) is None
    assert db.session.get(Client, hospital.id).status == Lifecycle.CUSTOMER


@pytest.mark.parametrize("role, refused", [("service", 403), ("sales", 404)])
def test_only_managers_and_the_clients_rep_record_a_churn(client, login_as, db, role, refused):
    """Service reads but records nothing; another rep does not see the client at all."""
    hospital = ClientFactory(owner_id=make_user("sales").id)
    db.session.commit()
    login_as(role)
    assert client.get(f"/complaints/churn/new?client={hospital.id}").status_code == refused
    assert client.post(f"/complaints/churn/new?client={hospital.id}", data=churn_form()).status_code == refused
    assert client.get("/complaints/churn/new").status_code == 404
    assert db.session.scalar(select(ChurnRecord.id)) is None
    if role == "service":
        page = client.get(f"/clients/{hospital.id}").get_data(as_text=True)
        assert 'id="churn"' in page and "登记为流失客户" not in page


def test_the_client_page_shows_its_risk_signals(client, login_as, db):
    rep = login_as("sales")
    hospital = at_risk(db, rep, 1)[0]
    db.session.add(Complaint(client_id=hospital.id, number="TS-2026-0900", title="打印机",
                             status=ComplaintStatus.CLOSED, received_at=datetime(2026, 11, 1),
                             closed_at=datetime(2026, 11, 20),
                             resolved_at=datetime(2026, 11, 20), resolution_due_at=datetime(2026, 11, 10)))
    db.session.commit()
    page = client.get(f"/clients/{hospital.id}").get_data(as_text=True)
    assert "流失风险：" in page and "投诉超时解决" in page and "NPS 贬损者" in page
    hospital.status = Lifecycle.LOST
    db.session.commit()
    assert "流失风险：" not in client.get(f"/clients/{hospital.id}").get_data(as_text=True)


def test_a_deleted_churn_record_goes_to_the_recycle_bin(client, login_as, db):
    login_as("manager")
    hospital = ClientFactory(name="南充市骨科医院")
    db.session.add(ChurnRecord(client_id=hospital.id, lost_on=TODAY - timedelta(days=3), reason=ChurnReason.PRICE))
    db.session.commit()
    record = db.session.execute(select(ChurnRecord)).scalar_one()
    assert client.post(f"/complaints/churn/{record.id}/delete").status_code == 302
    assert client.get(f"/complaints/churn/{record.id}").status_code == 404
    assert "南充市骨科医院" in client.get("/admin/recycle-bin").get_data(as_text=True)
