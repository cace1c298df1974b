"""Every document of this part over the whole demo data set: no character prints as a box (the glyph watch raises
in tests), the fonts are embedded CJK fonts, and the text carries the client's name and the period."""
from datetime import timedelta

from sqlalchemy import select

from app.archive.models import Client
from app.core.clock import local_today
from app.core.models import User
from app.deals.models import Contract
from tests.factories import PASSWORD
from tests.pdfcheck import check_pdf


def _sign_in(client, username):
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302


def test_the_documents_render_the_whole_demo_data_set(app, db, client, tmp_path):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--clients", "40", "--seed", "5"])
    assert result.exit_code == 0, result.output
    for user in db.session.execute(select(User)).scalars():
        user.set_password(PASSWORD)
    db.session.commit()
    today = local_today()
    start, end = today - timedelta(days=3), today + timedelta(days=27)

    _sign_in(client, "manager")
    planned = 0
    for rep in ("sales1", "sales2", "manager"):
        rep_id = db.session.scalar(select(User.id).where(User.username == rep))
        response = client.get(f"/reports/visit-plan.pdf?user={rep_id}&start={start}&end={end}&briefing=1")
        text = "".join(check_pdf(response.data, tmp_path).text.split())
        assert f"{start}至{end}" in text
        planned += text.count("拜访前简报")
    assert planned  # the demo plans visits, so the plans are not empty

    for client_id, name in db.session.execute(select(Client.id, Client.name).where(
            Client.id.in_(select(Contract.client_id)))).all():
        response = client.get(f"/reports/clients/{client_id}/contracts.pdf")
        assert name in "".join(check_pdf(response.data, tmp_path).text.split())

    for layout in ("3x7", "2x7", "3x8"):
        checked = check_pdf(client.get(f"/reports/labels.pdf?layout={layout}").data, tmp_path)
        assert checked.pages >= 2
