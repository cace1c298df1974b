"""The 5-3-2 recency split through HTTP: the bands against the benchmark, the client-list filter, and the band
limits only an admin may move."""
from app.visits.enums import Method
from tests.factories import ClientFactory, InteractionFactory
from tests.visits.conftest import at


def test_recency_split_and_band_filter(client, login_as, db, frozen):
    rep = login_as("sales")
    for name, days_ago in (("近医院", 30), ("中医院", 31), ("远医院", 91)):
        record = ClientFactory(name=name, owner_id=rep.id)
        InteractionFactory(client_id=record.id, user_id=rep.id, method=Method.PHONE, done_at=at(days_ago))
    ClientFactory(name="新医院", owner_id=rep.id)
    db.session.commit()
    html = client.get("/visits/recency").get_data(as_text=True)
    assert "<td>1</td><td>25.0%</td><td>20%</td>" in html  # deep: 1 of 4
    assert "<td>2</td><td>50.0%</td><td>50%</td>" in html  # forgotten: 91 days and never
    listing = client.get("/clients/?band=forgotten").get_data(as_text=True)
    assert ">远医院</a>" in listing and ">新医院</a>" in listing and ">近医院</a>" not in listing


def test_admin_moves_the_band_limits(client, login_as, db, frozen):
    admin = login_as("admin")
    record = ClientFactory(name="四十天医院", owner_id=admin.id)
    InteractionFactory(client_id=record.id, user_id=admin.id, method=Method.PHONE, done_at=at(40))
    db.session.commit()
    bad = client.post("/visits/recency", data={"deep": 60, "ordinary": 50})
    assert bad.status_code == 422 and "天数须多于深度开发" in bad.get_data(as_text=True)
    assert client.post("/visits/recency", data={"deep": 45, "ordinary": 120}).status_code == 302
    assert ">四十天医院</a>" in client.get("/clients/?band=deep").get_data(as_text=True)
    assert client.post("/visits/recency", data={"deep": 40, "ordinary": 120}).status_code == 302

    from sqlalchemy import select

    from app.core.models import AuditEvent
    trail = db.session.execute(select(AuditEvent).where(AuditEvent.entity == "settings")
                               .order_by(AuditEvent.id)).scalars().all()
    assert [(e.actor_id, e.changes["recency_bands"][1]["deep"]) for e in trail] == [(admin.id, 45), (admin.id, 40)]
    assert trail[1].changes["recency_bands"][0]["deep"] == 45  # who changed which setting, from what to what


def test_only_admins_move_the_band_limits(client, login_as):
    login_as("manager")
    assert client.post("/visits/recency", data={"deep": 45, "ordinary": 120}).status_code == 403


def test_the_drill_down_counts_what_the_page_counts_lost_clients_left_out(client, login_as, db, frozen):
    from app.archive.enums import Lifecycle

    rep = login_as("sales")
    ClientFactory(name="远医院", owner_id=rep.id)
    ClientFactory(name="流失医院", owner_id=rep.id, status=Lifecycle.LOST)
    db.session.commit()
    page = client.get("/visits/recency").get_data(as_text=True)
    assert "<td>1</td><td>100.0%</td><td>50%</td>" in page and "已流失的客户不计入" in page
    assert "“普通”" in page and "一般" not in page  # one word for the band, in the text and the table
    listing = client.get("/clients/?band=forgotten").get_data(as_text=True)
    assert ">远医院</a>" in listing and ">流失医院</a>" not in listing
