"""What the client page shows: one screen a rep reads before walking in. A fixed number of queries."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.archive.access import can_edit_clients
from app.archive.attachments import attachment_list
from app.archive.enums import AssetStatus, ProductCategory
from app.archive.forms import AttachmentForm, ContactForm
from app.archive.models import Assessment, Asset, Client, Contact, Product, SpecialDate
from app.archive.occurrences import LIFE_EVENT_FOLLOW_UP_DAYS, next_on
from app.core.clock import local_today
from app.core.dates import days_until
from app.core.plugins import client_panels
from app.extensions import db

UPCOMING_DAYS = 60
EXPIRY_DAYS = 90

@dataclass
class Upcoming:
    special_date: SpecialDate
    on: date
    days: int


def upcoming_dates(dates: list[SpecialDate], today: date, within: float = UPCOMING_DAYS,
                   passed: float = LIFE_EVENT_FOLLOW_UP_DAYS) -> list[Upcoming]:
    """The special dates falling within ``within`` days (or their own reminder window), and the life events
    that happened up to ``passed`` days ago, soonest first."""
    found = []
    for special in dates:
        on = next_on(special, today)
        if on is None:
            continue
        days = days_until(on, today)
        if -passed <= days <= max(within, special.remind_days):
            found.append(Upcoming(special, on, days))
    return sorted(found, key=lambda u: (u.on, u.special_date.id))


def expiring_assets(assets: list[Asset], today: date, within: int = EXPIRY_DAYS) -> list[Asset]:
    horizon = today + timedelta(days=within)
    return [a for a in assets if a.maintenance_until and today <= a.maintenance_until <= horizon
            and a.status != AssetStatus.RETIRED]


def catalogue_gaps(client: Client) -> list[Product]:
    """Active catalogue modules the client does not run yet: where cross-selling starts."""
    owned = select(Asset.product_id).where(Asset.client_id == client.id, Asset.deleted_at.is_(None),
                                           Asset.product_id.is_not(None), Asset.status != AssetStatus.RETIRED)
    stmt = (select(Product).where(Product.active.is_(True), Product.category == ProductCategory.MODULE,
                                  Product.id.not_in(owned)).order_by(Product.name))
    return db.session.execute(stmt).scalars().all()


def client_page(client: Client, user, today: date | None = None, **panel_overrides) -> dict:
    """Everything the client page shows; the sections other domains add come from core.plugins.client_panels,
    and ``panel_overrides`` reach them (e.g. a form with errors)."""
    today = today or local_today()
    contacts = db.session.execute(
        select(Contact).where(Contact.client_id == client.id, Contact.deleted_at.is_(None))
        .options(selectinload(Contact.special_dates))
        .order_by(Contact.still_at_client.desc(), Contact.is_key_person.desc(), Contact.name)).unique().scalars().all()
    org_dates = db.session.execute(
        select(SpecialDate).where(SpecialDate.client_id == client.id, SpecialDate.contact_id.is_(None),
                                  SpecialDate.deleted_at.is_(None))).unique().scalars().all()
    assets = db.session.execute(
        select(Asset).where(Asset.client_id == client.id, Asset.deleted_at.is_(None))
        .order_by(Asset.kind, Asset.name)).unique().scalars().all()
    assessments = db.session.execute(
        select(Assessment).where(Assessment.client_id == client.id)
        .order_by(Assessment.assessed_at.desc(), Assessment.id.desc()).limit(10)).scalars().all()
    all_dates = org_dates + [d for c in contacts for d in c.special_dates]
    return {
        "client": client, "contacts": contacts, "org_dates": org_dates, "assets": assets,
        "upcoming": upcoming_dates(all_dates, today), "expiring": expiring_assets(assets, today),
        "upcoming_days": UPCOMING_DAYS, "expiry_days": EXPIRY_DAYS,
        "gaps": catalogue_gaps(client), "assessments": assessments, "today": today,
        "attachments": db.session.execute(attachment_list(client, user)).unique().scalars().all(),
        "attachment_form": AttachmentForm(), "contact_form": ContactForm(formdata=None),
        "can_edit": can_edit_clients(user),
        "panels": client_panels(client, user, **panel_overrides),
    }
