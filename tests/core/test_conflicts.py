"""Two people edit one record. Whoever saves second sees the conflict with what they typed, and saving again
writes only the fields they changed: the other person's change survives."""
import html as htmlmod
import re

from app.archive.models import Client
from app.core import forms as core_forms
from tests.factories import PASSWORD, ClientFactory, make_user

HIDDEN = re.compile(r'<input[^>]*name="(version|original)"[^>]*value="([^"]*)"')


def started(client, url) -> dict:
    """The hidden fields of the edit form as the browser got it."""
    page = client.get(url).get_data(as_text=True)
    return {name: htmlmod.unescape(value) for name, value in HIDDEN.findall(page)}


def form_of(record, **changes):
    data = {"name": record.name, "short_name": record.short_name, "owner_id": record.owner_id, "status": "customer",
            "phone": record.phone, "notes": record.notes}
    return data | changes


def colleague_of(app, role="manager"):
    other = app.test_client()
    user = make_user(role, display_name="王建国")
    from app.extensions import db

    db.session.commit()
    other.post("/auth/login", data={"username": user.username, "password": PASSWORD})
    return other


def test_resaving_the_conflict_form_keeps_the_other_change(client, login_as, db, app):
    rep = login_as("sales")
    record = ClientFactory(name="宜宾市第二人民医院", owner_id=rep.id, phone="0831-1111111", notes="")
    db.session.commit()
    url = f"/clients/{record.id}/edit"
    mine = started(client, url)
    colleague = colleague_of(app)
    theirs = started(colleague, url)
    assert colleague.post(url, data=form_of(record, phone="0831-2222222") | theirs).status_code == 302

    response = client.post(url, data=form_of(record, notes="下周拜访信息科") | mine)  # my phone is the stale one
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "下周拜访信息科</textarea>" in page
    assert 'value="0831-2222222"' in page and "0831-1111111" not in page  # the field I left shows theirs

    again = {name: htmlmod.unescape(value) for name, value in HIDDEN.findall(page)}
    assert client.post(url, data=form_of(record, phone="0831-2222222", notes="下周拜访信息科") | again
                       ).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Client, record.id)
    assert (saved.phone, saved.notes) == ("0831-2222222", "下周拜访信息科")


def test_a_true_race_lost_at_the_database_is_the_same_conflict_not_an_error(client, login_as, db, app,
                                                                             monkeypatch):
    rep = login_as("sales")
    record = ClientFactory(name="宜宾市第三人民医院", owner_id=rep.id, notes="")
    db.session.commit()
    url = f"/clients/{record.id}/edit"
    mine = started(client, url)
    colleague = colleague_of(app)
    real = core_forms.detect_conflict

    def after_the_check(obj, form, fields):  # the colleague commits between my version check and my write
        answer = real(obj, form, fields)
        monkeypatch.setattr(core_forms, "detect_conflict", real)
        assert colleague.post(url, data=form_of(record, notes="院长换人了") | started(colleague, url)
                              ).status_code == 302
        return answer

    monkeypatch.setattr(core_forms, "detect_conflict", after_the_check)
    response = client.post(url, data=form_of(record, short_name="宜宾三院") | mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "王建国" in page and 'value="宜宾三院"' in page
    db.session.expire_all()
    assert db.session.get(Client, record.id).notes == "院长换人了"


def test_a_tampered_starting_snapshot_is_a_plain_conflict_not_an_error(client, login_as, db):
    rep = login_as("sales")
    record = ClientFactory(name="宜宾市第三人民医院", owner_id=rep.id, phone="0831-1111111", notes="")
    db.session.commit()
    for original in ("0", "[]", '"x"', "{"):
        response = client.post(f"/clients/{record.id}/edit", data=form_of(record, notes="改") | {
            "version": str(record.version - 1), "original": original})
        assert response.status_code == 409, original
