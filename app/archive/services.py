"""Writes to the archive. They flush, the route commits: one request, one unit of work."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.archive.enums import SpecialDateKind, ValueGrade
from app.archive.models import Assessment, Asset, Client, Contact, Product, SpecialDate, UnitLevel
from app.archive.queries import owner_choices
from app.archive.rules import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS, assessment_score, grade_for_score, normalise_name
from app.core.models import User, get_setting
from app.core.scoping import visible
from app.extensions import db


def apply_form(record, form, fields=None) -> None:
    """Copy the form's data fields that the form has onto the record; an empty value of a NOT NULL column
    becomes the column's default ("" for text), so a blank field never fails the insert."""
    columns = type(record).__table__.c
    for name in fields or form.data_fields:
        if name in form:
            value = form[name].data
            if value is None and not columns[name].nullable and columns[name].default is not None:
                value = columns[name].default.arg
            setattr(record, name, value)


def save_client(client: Client, form, user) -> Client:
    """Create or update a client from a ClientForm. A sales rep always owns what they create."""
    apply_form(client, form, [f for f in form.data_fields if f != "owner_id"])
    if "owner_id" in form and user.sees_all_clients:
        client.owner_id = form.owner_id.data
    elif client.owner_id is None:
        client.owner_id = user.id
    client.name_key = normalise_name(client.name)
    db.session.add(client)
    db.session.flush()
    return client


def save_record(record, form):
    apply_form(record, form)
    db.session.add(record)
    db.session.flush()
    return record


def add_contact(client: Client, form) -> Contact:
    """A new contact; a birthday given on the form becomes their birthday special date."""
    contact = save_record(Contact(client_id=client.id), form)
    if form.birthday_month.data and form.birthday_day.data:
        db.session.add(SpecialDate(client_id=client.id, contact_id=contact.id, kind=SpecialDateKind.BIRTHDAY,
                                   month=form.birthday_month.data, day=form.birthday_day.data,
                                   year=form.birthday_year.data, is_lunar=form.birthday_lunar.data))
        db.session.flush()
    return contact


def save_asset(asset: Asset, form) -> Asset:
    """An asset named after its catalogue product unless the user gave a name."""
    apply_form(asset, form)
    if not asset.name and asset.product_id:
        asset.name = db.session.get(Product, asset.product_id).name
    db.session.add(asset)
    db.session.flush()
    return asset


def contact_choices(client: Client) -> list[tuple[int, str]]:
    rows = db.session.execute(select(Contact.id, Contact.name).where(
        Contact.client_id == client.id, Contact.deleted_at.is_(None)).order_by(Contact.name)).all()
    return [(row.id, row.name) for row in rows]


def product_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Product.id, Product.name).where(Product.active.is_(True))
                              .order_by(Product.category, Product.name)).all()
    return [(row.id, row.name) for row in rows]


def unit_level_choices() -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in db.session.execute(select(UnitLevel).order_by(UnitLevel.position)).scalars()]


def transfer_clients(client_ids: list[int], owner_id: int | None, user) -> int | None:
    """Hand clients over to another rep (接收前任客户经理的客户资料); the audit trail records each owner change.
    None when the new owner is not an active sales rep or manager."""
    owner = db.session.execute(owner_choices().where(User.id == owner_id)).scalar_one_or_none()
    if owner is None:
        return None
    clients = db.session.execute(visible(select(Client).where(Client.id.in_(client_ids)), Client, user)).scalars()
    moved = 0
    for client in clients:
        if client.owner_id != owner.id:
            client.owner_id = owner.id
            moved += 1
    db.session.flush()
    return moved


def assessment_settings() -> tuple[dict[str, int], dict[str, int]]:
    """The admin's weights and grade thresholds, or the defaults."""
    return (get_setting("assessment_weights", DEFAULT_WEIGHTS),
            get_setting("assessment_thresholds", DEFAULT_THRESHOLDS))


def latest_assessment(client: Client) -> Assessment | None:
    return db.session.execute(select(Assessment).where(Assessment.client_id == client.id)
                              .order_by(Assessment.assessed_at.desc(), Assessment.id.desc()).limit(1)).scalar()


def assess_client(client: Client, scores: dict[str, int], override, reason: str, user) -> Assessment:
    """Score the client with the current weights, grade it, keep the breakdown and the grade change."""
    weights, thresholds = assessment_settings()
    score = assessment_score(scores, weights)
    computed = ValueGrade(grade_for_score(score, thresholds))
    assessment = Assessment(client_id=client.id, scores=dict(scores), weights=dict(weights), score=score,
                            computed_grade=computed, override_grade=override or None,
                            override_reason=reason if override else "", previous_grade=client.value_grade,
                            grade=override or computed, assessed_by_id=user.id)
    client.value_grade, client.assessment_score = assessment.grade, score
    db.session.add(assessment)
    db.session.flush()
    return assessment


def save_unit_levels(names: list[str]) -> str | None:
    """Replace the unit-level list, keeping rows (and so the clients' links) whose name stays.
    An error message instead when a level still in use would disappear."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    existing = {u.name: u for u in db.session.execute(select(UnitLevel)).scalars()}
    removed = [u for name, u in existing.items() if name not in wanted]
    if removed:
        used = db.session.execute(select(UnitLevel.name).join(Client, Client.unit_level_id == UnitLevel.id)
                                  .where(UnitLevel.id.in_([u.id for u in removed])).distinct()).scalars().all()
        if used:
            return _("Still used by clients, so it cannot be removed: %(names)s", names="、".join(used))
    for level in removed:
        db.session.delete(level)
    for position, name in enumerate(wanted):
        level = existing.get(name) or UnitLevel(name=name)
        level.position = position
        db.session.add(level)
    db.session.flush()
    return None
