"""Writes to the archive: plain data in; they flush, the route commits (one request, one unit of work)."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.archive.access import owner_for
from app.archive.enums import SpecialDateKind, ValueGrade
from app.archive.models import Assessment, Asset, Client, Contact, Product, SpecialDate, UnitLevel
from app.archive.queries import assessment_settings, owner_choices
from app.archive.rules import assessment_score, grade_for_score, normalise_name
from app.core.errors import Refused
from app.core.models import User
from app.core.records import apply, save_record
from app.core.scoping import visible
from app.extensions import db


def save_client(client: Client, data: dict, user) -> Client:
    """Create or update a client. A sales rep always owns what they create (archive.access.owner_for)."""
    data = dict(data)
    chosen_owner = data.pop("owner_id", None)
    apply(client, data)
    client.owner_id = owner_for(user, chosen_owner, client.owner_id)
    client.name_key = normalise_name(client.name)
    db.session.add(client)
    db.session.flush()
    return client


def add_contact(client: Client, data: dict) -> Contact:
    """A new contact; a birthday given with it becomes their birthday special date."""
    contact = save_record(Contact(client_id=client.id), data)
    if data.get("birthday_month") and data.get("birthday_day"):
        db.session.add(SpecialDate(client_id=client.id, contact_id=contact.id, kind=SpecialDateKind.BIRTHDAY,
                                   month=data["birthday_month"], day=data["birthday_day"],
                                   year=data.get("birthday_year"), is_lunar=bool(data.get("birthday_lunar")),
                                   is_leap_month=bool(data.get("birthday_leap"))))
        db.session.flush()
    return contact


def save_asset(asset: Asset, data: dict) -> Asset:
    """An asset named after its catalogue product unless the user gave a name."""
    apply(asset, data)
    if not asset.name and asset.product_id:
        asset.name = db.session.get(Product, asset.product_id).name
    db.session.add(asset)
    db.session.flush()
    return asset


def transfer_clients(client_ids: list[int], owner_id: int | None, user, note: str = "") -> int:
    """Hand clients over to another rep (接收前任客户经理的客户资料); the audit trail records each owner change
    (and the visits domain moves their planned visits along). Refused without clients or a valid new owner."""
    if not client_ids:
        raise Refused(_("Tick the clients to hand over first."))
    owner = db.session.execute(owner_choices().where(User.id == owner_id)).scalar_one_or_none()
    if owner is None:
        raise Refused(_("Choose an active sales rep or manager to hand the clients over to."), "owner_id")
    clients = db.session.execute(visible(select(Client).where(Client.id.in_(client_ids)), Client, user)).scalars()
    moved = 0
    for client in clients:
        if client.owner_id != owner.id:
            client.owner_id = owner.id
            client.handover_note = note  # the visits domain puts it on the client's timeline
            moved += 1
    db.session.flush()
    return moved


def assess_client(client: Client, scores: dict[str, int | None], override, reason: str, user) -> Assessment:
    """Score the client with the current weights, grade it, keep the breakdown and the grade change.
    When too little is known (信息不足) there is no score and no computed grade: the client is left without a
    grade, unless one is set by hand, until the information is collected (seed 002)."""
    weights, thresholds = assessment_settings()
    score = assessment_score(scores, weights)
    computed = None if score is None else ValueGrade(grade_for_score(score, thresholds))
    assessment = Assessment(client_id=client.id, scores=dict(scores), weights=dict(weights),
                            thresholds=dict(thresholds), score=score, computed_grade=computed,
                            override_grade=override or None,
                            override_reason=reason if override else "", previous_grade=client.value_grade,
                            grade=override or computed, assessed_by_id=user.id)
    client.value_grade, client.assessment_score = assessment.grade, score
    db.session.add(assessment)
    db.session.flush()
    return assessment


def save_unit_levels(names: list[str]) -> None:
    """Replace the unit-level list, keeping rows (and so the clients' links) whose name stays.
    Refused when a level still in use would disappear."""
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    too_long = [name for name in wanted if len(name) > UnitLevel.name.type.length]
    if too_long:
        raise Refused(_("A level name has at most %(max)d characters: %(names)s",
                        max=UnitLevel.name.type.length, names="、".join(too_long)), "names")
    existing = {u.name: u for u in db.session.execute(select(UnitLevel)).scalars()}
    removed = [u for name, u in existing.items() if name not in wanted]
    if removed:
        used = db.session.execute(select(UnitLevel.name).join(Client, Client.unit_level_id == UnitLevel.id)
                                  .where(UnitLevel.id.in_([u.id for u in removed])).distinct()).scalars().all()
        if used:
            raise Refused(_("Still used by clients, so it cannot be removed: %(names)s", names="、".join(used)),
                          "names")
    for level in removed:
        db.session.delete(level)
    for position, name in enumerate(wanted):
        level = existing.get(name) or UnitLevel(name=name)
        level.position = position
        db.session.add(level)
    db.session.flush()
