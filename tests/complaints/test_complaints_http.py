"""The complaint pages as people use them: the list, receiving a complaint (from the list, the client page or a
visit's issues to follow up), one complaint's loop with its buttons, notes and close form, edit and delete; who
may do which."""
import re
from datetime import datetime, timedelta

import pytest

from app.complaints.enums import ComplaintStatus as S
from app.complaints.enums import Severity
from app.complaints.models import Complaint
from app.complaints.services import change_status, create_complaint
from app.core.clock import local_now
from app.extensions import db as _db
from app.visits.enums import Satisfaction
from tests.conftest import counted_queries
from tests.factories import AssetFactory, ClientFactory, ContactFactory, InteractionFactory, make_user

HTMX = {"HX-Request": "true"}


def complaint_for(client, user, status=S.ACCEPTED, **data) -> Complaint:
    complaint = create_complaint(client, {"title": "HIS 门诊挂号系统卡顿", "description": "高峰期挂号要等半分钟",
                                          **data}, user)
    path = [S.ANALYSING, S.RESOLVING, S.FEEDBACK]
    for target in path[:path.index(status) + 1] if status in path else []:
        change_status(complaint, target, user)
    return complaint


def reload(complaint) -> Complaint:
    _db.session.expire_all()
    return _db.session.get(Complaint, complaint.id)


@pytest.fixture
def service(login_as):
    return login_as("service")


def test_the_list_shows_open_complaints_of_visible_clients_and_filters(client, login_as, db):
    rep = login_as("sales")
    mine = ClientFactory(owner_id=rep.id, name="重庆市巴南区人民医院")
    theirs = ClientFactory(owner_id=make_user("sales").id)
    urgent = complaint_for(mine, rep, title="急诊系统宕机", severity=Severity.URGENT)
    ordinary = complaint_for(mine, rep, title="报表导出乱码")
    closed = complaint_for(mine, rep, S.FEEDBACK, title="已解决的问题")
    change_status(closed, S.CLOSED, rep, data={"root_cause": "配置", "solution": "改配置", "confirmed_by": "王主任",
                                               "satisfaction": Satisfaction.SATISFIED})
    other = complaint_for(theirs, rep, title="别人的客户投诉")
    db.session.commit()

    page = client.get("/complaints/").get_data(as_text=True)
    assert urgent.number in page and ordinary.number in page
    assert closed.number not in page and other.number not in page  # open only; another rep's client unseen
    assert closed.number in client.get("/complaints/?status=all").get_data(as_text=True)
    assert other.number not in client.get("/complaints/?status=all").get_data(as_text=True)
    only_urgent = client.get("/complaints/?severity=urgent").get_data(as_text=True)
    assert urgent.number in only_urgent and ordinary.number not in only_urgent
    assert urgent.number in client.get("/complaints/?q=巴南").get_data(as_text=True)
    assert urgent.number not in client.get("/complaints/?q=江北").get_data(as_text=True)
    fragment = client.get("/complaints/?status=closed", headers=HTMX).get_data(as_text=True)
    assert closed.number in fragment and "<html" not in fragment


def test_overdue_lists_open_complaints_with_a_missed_step(client, login_as, db):
    user = login_as("service")
    record = ClientFactory()
    late = complaint_for(record, user, title="超时未响应")
    late.response_due_at = local_now() - timedelta(hours=1)
    answered = complaint_for(record, user, title="已响应")
    answered.response_due_at, answered.responded_at = local_now() - timedelta(hours=1), local_now()
    paused = complaint_for(record, user, S.FEEDBACK, title="等客户确认")
    paused.resolution_due_at = local_now() - timedelta(hours=1)
    db.session.commit()

    page = client.get("/complaints/?overdue=1").get_data(as_text=True)
    assert late.number in page and answered.number not in page and paused.number not in page


def test_the_list_reads_the_same_number_of_queries_for_more_rows(client, login_as, db):
    user = login_as("service")
    for _ in range(2):
        complaint_for(ClientFactory(), user)
    db.session.commit()
    with counted_queries(db.engine) as few:
        client.get("/complaints/")
    for _ in range(6):
        complaint_for(ClientFactory(), make_user("service"))
    db.session.commit()
    with counted_queries(db.engine) as more:
        client.get("/complaints/")
    assert len(more) == len(few)


def test_a_complaint_is_received_for_a_picked_client(client, login_as, db):
    user = login_as("service")
    record = ClientFactory(name="重庆市涪陵中心医院")
    contact = ContactFactory(client_id=record.id, name="刘科长")
    module = AssetFactory(client_id=record.id, kind="software", name="LIS 检验系统")
    AssetFactory(client_id=record.id, name="服务器A")  # hardware: not offered
    db.session.commit()

    found = client.post("/complaints/new", data={"client_query": "涪陵", "find": "1"}, headers=HTMX)
    assert found.status_code == 200 and "重庆市涪陵中心医院" in found.get_data(as_text=True)
    form = client.get(f"/complaints/new?client={record.id}").get_data(as_text=True)
    assert "刘科长" in form and "LIS 检验系统" in form and "服务器A" not in form

    response = client.post("/complaints/new", data={
        "client_id": record.id, "contact_id": contact.id, "channel": "wechat", "received_at": "2026-11-20T09:30",
        "category": "defect", "severity": "complex", "title": "检验结果回传失败", "description": "上午十点起",
        "owner_id": user.id, "asset_id": module.id})
    assert response.status_code == 302
    complaint = db.session.query(Complaint).one()
    assert complaint.number == "TS-2026-0001" and complaint.asset_id == module.id
    assert (complaint.contact_id, complaint.received_at) == (contact.id, datetime(2026, 11, 20, 9, 30))
    page = client.get(response.location).get_data(as_text=True)
    assert "检验结果回传失败" in page and "受理" in page


def test_a_bad_complaint_keeps_what_was_typed(client, login_as, db):
    user = login_as("service")
    record = ClientFactory()
    db.session.commit()
    response = client.post("/complaints/new", data={
        "client_id": record.id, "channel": "phone", "received_at": "2026-11-20T09:30", "category": "service",
        "severity": "ordinary", "title": "", "description": "打印机不出纸", "owner_id": user.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "打印机不出纸" in page and 'class="error"' in page
    assert db.session.query(Complaint).count() == 0


def test_sales_raise_complaints_only_for_their_own_clients(client, login_as, db):
    rep = login_as("sales")
    theirs = ClientFactory(owner_id=make_user("sales").id)
    visit = InteractionFactory(client_id=theirs.id, user_id=theirs.owner_id, follow_up="系统慢")
    db.session.commit()
    assert client.get(f"/complaints/new?client={theirs.id}").status_code == 404
    assert client.get(f"/complaints/new?visit={visit.id}").status_code == 404
    posted = client.post("/complaints/new", data={"client_id": theirs.id, "channel": "phone", "title": "越权",
                                                  "received_at": "2026-11-20T09:30", "category": "service",
                                                  "severity": "ordinary", "owner_id": rep.id})
    assert posted.status_code == 404 and db.session.query(Complaint).count() == 0


def test_a_visit_with_issues_to_follow_up_raises_a_complaint_in_one_tap(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    contact = ContactFactory(client_id=record.id, name="陈院长")
    visit = InteractionFactory(client_id=record.id, user_id=rep.id, follow_up="住院结算偶发重复扣费\n需要工程师排查",
                               contacts=[contact])
    quiet = InteractionFactory(client_id=record.id, user_id=rep.id)
    db.session.commit()

    assert "登记为投诉" in client.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "登记为投诉" not in client.get(f"/visits/{quiet.id}").get_data(as_text=True)
    form = client.get(f"/complaints/new?visit={visit.id}").get_data(as_text=True)
    assert 'value="住院结算偶发重复扣费"' in form and "需要工程师排查" in form
    assert re.search(rf'<option selected value="{contact.id}">|<option value="{contact.id}" selected', form)

    response = client.post("/complaints/new", data={
        "client_id": record.id, "contact_id": contact.id, "channel": "onsite", "received_at": "2026-11-20T09:30",
        "category": "defect", "severity": "ordinary", "title": "住院结算偶发重复扣费", "owner_id": rep.id,
        "source_visit_id": visit.id})
    assert response.status_code == 302
    assert db.session.query(Complaint).one().source_visit_id == visit.id


def test_the_client_page_lists_its_complaints_and_raises_one(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(owner_id=rep.id)
    complaint_for(record, rep, title="医保接口报错")
    db.session.commit()
    page = client.get(f"/clients/{record.id}").get_data(as_text=True)
    assert "医保接口报错" in page and f"/complaints/new?client={record.id}" in page and "登记投诉" in page


def test_the_loop_moves_with_htmx_and_records_the_timeline(client, service, db):
    complaint = complaint_for(ClientFactory(), service)
    db.session.commit()
    url = f"/complaints/{complaint.id}"
    for target in ("analysing", "resolving", "feedback"):
        response = client.post(f"{url}/status", data={"status": target, "note": f"进入{target}"}, headers=HTMX)
        assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "反馈（待客户确认）" in page and "进入resolving" in page and 'id="close"' in page
    assert reload(complaint).responded_at is not None and reload(complaint).paused_since is not None


def test_an_illegal_transition_is_refused_with_a_clear_message(client, service, db):
    complaint = complaint_for(ClientFactory(), service)
    db.session.commit()
    response = client.post(f"/complaints/{complaint.id}/status", data={"status": "feedback", "note": "跳步"},
                           headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "受理" in page and "反馈（待客户确认）" in page and "分析" in page and "跳步" in page  # note kept
    assert reload(complaint).status is S.ACCEPTED and len(reload(complaint).events) == 1
    closing = client.post(f"/complaints/{complaint.id}/status", data={"status": "closed"})
    assert closing.status_code == 422 and reload(complaint).status is S.ACCEPTED


def test_closing_without_its_fields_names_each_and_keeps_what_was_typed(client, service, db):
    complaint = complaint_for(ClientFactory(), service, S.FEEDBACK)
    db.session.commit()
    response = client.post(f"/complaints/{complaint.id}/close",
                           data={"root_cause": "索引缺失导致慢查询", "resolution_summary": "已优化数据库"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "索引缺失导致慢查询" in page and "已优化数据库" in page
    for name in ("solution", "satisfaction", "confirmed_by"):
        assert re.search(rf'id="{name}-error"|name="{name}"[^>]*>[\s\S]*?关闭投诉需要填写此项', page), name
    assert page.count("关闭投诉需要填写此项。") == 3
    assert reload(complaint).status is S.FEEDBACK and reload(complaint).root_cause == ""

    done = client.post(f"/complaints/{complaint.id}/close", headers=HTMX, data={
        "root_cause": "索引缺失", "solution": "加索引", "satisfaction": "5", "confirmed_by": "信息科王主任"})
    assert done.status_code == 200 and "已关闭" in done.get_data(as_text=True)
    closed = reload(complaint)
    assert (closed.status, closed.satisfaction.value, closed.confirmed_by) == (S.CLOSED, "5", "信息科王主任")


def test_a_row_button_moves_the_complaint_in_the_list(client, service, db):
    complaint = complaint_for(ClientFactory(), service)
    db.session.commit()
    response = client.post(f"/complaints/{complaint.id}/status", headers=HTMX,
                           data={"status": "analysing", "view": "row", "next": "/complaints/"})
    row = response.get_data(as_text=True)
    assert response.status_code == 200 and row.strip().startswith("<tr") and "分析" in row
    plain = client.post(f"/complaints/{complaint.id}/status",
                        data={"status": "resolving", "view": "row", "next": "/complaints/?severity=urgent"})
    assert plain.status_code == 302 and plain.location.endswith("/complaints/?severity=urgent")
    assert reload(complaint).status is S.RESOLVING


def test_notes_and_client_contacts_land_on_the_timeline(client, service, db):
    complaint = complaint_for(ClientFactory(), service)
    db.session.commit()
    client.post(f"/complaints/{complaint.id}/notes", data={"kind": "client_contact", "text": "电话联系刘科长"})
    assert reload(complaint).responded_at is not None  # a contact with the client is the first response
    empty = client.post(f"/complaints/{complaint.id}/notes", data={"kind": "note", "text": ""}, headers=HTMX)
    assert empty.status_code == 422
    assert "电话联系刘科长" in client.get(f"/complaints/{complaint.id}").get_data(as_text=True)


def test_sales_comment_on_their_clients_complaints_but_do_not_work_them(client, login_as, db):
    rep = login_as("sales")
    complaint = complaint_for(ClientFactory(owner_id=rep.id), rep)
    db.session.commit()
    url = f"/complaints/{complaint.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="move"' not in page and "/edit" not in page
    assert client.post(f"{url}/notes", data={"kind": "note", "text": "客户又来电催"}).status_code == 302
    assert client.post(f"{url}/status", data={"status": "analysing"}).status_code == 403
    assert client.get(f"{url}/edit").status_code == 403
    assert client.post(f"{url}/delete").status_code == 403
    assert reload(complaint).status is S.ACCEPTED and len(reload(complaint).events) == 2


def test_an_edit_from_a_stale_version_shows_the_conflict(client, service, db):
    complaint = complaint_for(ClientFactory(), service)
    db.session.commit()
    data = {"channel": "phone", "received_at": "2026-11-20T09:30", "category": "service", "severity": "urgent",
            "title": "改成紧急", "owner_id": service.id, "version": complaint.version}
    assert client.post(f"/complaints/{complaint.id}/edit", data=data).status_code == 302
    assert reload(complaint).severity is Severity.URGENT
    stale = client.post(f"/complaints/{complaint.id}/edit", data={**data, "title": "再改一次"})
    assert stale.status_code == 409 and "再改一次" in stale.get_data(as_text=True)


def test_a_deleted_complaint_goes_to_the_recycle_bin(client, service, db):
    complaint = complaint_for(ClientFactory(), service)
    db.session.commit()
    assert client.post(f"/complaints/{complaint.id}/delete").status_code == 302
    assert reload(complaint).deleted_at is not None
    assert client.get(f"/complaints/{complaint.id}").status_code == 404
