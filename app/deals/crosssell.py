"""Cross-sell (二次开发的线索) across the clients in a user's scope: catalogue modules a client lacks, and renewals of
maintenance ending within 90 days, each one tap from a deal. Pages are cut in SQL with a fixed number of queries:
renewals first (soonest first), then the gaps (clients in name order)."""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, literal_column, select, true

from app.archive.enums import AssetStatus, Lifecycle, ProductCategory
from app.archive.models import Asset, Client, Product
from app.core.paging import COUNT_CAP, Page
from app.core.scoping import visible
from app.deals import services
from app.deals.enums import OPEN_STAGES, DealSource
from app.deals.models import Deal, DealLine
from app.extensions import db

RENEWAL_DAYS = 90
FIRST_STEP_DAYS = 3  # the new deal's first step: call the client within three days
EXISTING = (Lifecycle.CUSTOMER, Lifecycle.AT_RISK)  # secondary development sells to clients we already serve


@dataclass(frozen=True)
class Suggestion:
    source: DealSource  # CATALOGUE_GAP or MAINTENANCE
    client: Client
    product: Product
    asset: Asset | None = None  # the asset whose maintenance ends (renewals)

    @property
    def title(self) -> str:
        if self.asset is not None:
            return _("Maintenance renewal: %(name)s", name=self.asset.name)
        return self.product.name


def _open_deal(client_id, product_id):
    """An open deal of the client with a line of the product: the suggestion is being worked already."""
    return exists().where(Deal.client_id == client_id, Deal.deleted_at.is_(None), Deal.stage.in_(OPEN_STAGES),
                          DealLine.deal_id == Deal.id, DealLine.product_id == product_id)


def gaps(user, product_id: int | None = None) -> Select:
    """(Client, Product) rows: an active catalogue module an existing client runs no (unretired) asset of."""
    owned = exists().where(Asset.client_id == Client.id, Asset.product_id == Product.id, Asset.deleted_at.is_(None),
                           Asset.status != AssetStatus.RETIRED)
    stmt = (select(Client, Product).join(Product, true())
            .where(Client.status.in_(EXISTING), Product.active.is_(True), Product.category == ProductCategory.MODULE,
                   ~owned, ~_open_deal(Client.id, Product.id))
            .order_by(Client.pinyin, Client.id, Product.name, Product.id))
    if product_id:
        stmt = stmt.where(Product.id == product_id)
    return visible(stmt, Client, user)


def renewals(user, today: date, product_id: int | None = None) -> Select:
    """Assets of a catalogue product whose maintenance ends within RENEWAL_DAYS, soonest first."""
    stmt = (select(Asset).where(Asset.maintenance_until.between(today, today + timedelta(days=RENEWAL_DAYS)),
                                Asset.status != AssetStatus.RETIRED, Asset.product_id.is_not(None),
                                ~_open_deal(Asset.client_id, Asset.product_id))
            .order_by(Asset.maintenance_until, Asset.id))
    if product_id:
        stmt = stmt.where(Asset.product_id == product_id)
    return visible(stmt, Asset, user)


def _count(stmt: Select) -> int:
    """Rows of ``stmt``, counted up to COUNT_CAP + 1."""
    return db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(literal_column("1"), maintain_column_froms=True).order_by(None).limit(COUNT_CAP + 1)
        .subquery()))


def suggestions(user, today: date, page: int, per_page: int, source: DealSource | None = None,
                product_id: int | None = None) -> Page:
    """One page of suggestions: the renewals, then the gaps; four queries at most, whatever the archive's size."""
    offset, items, total = (page - 1) * per_page, [], 0
    if source in (None, DealSource.MAINTENANCE):
        stmt = renewals(user, today, product_id)
        total = _count(stmt)
        if offset < total:
            assets = db.session.execute(stmt.limit(per_page).offset(offset)).unique().scalars().all()
            items += [Suggestion(DealSource.MAINTENANCE, a.client, a.product, a) for a in assets]
    if source in (None, DealSource.CATALOGUE_GAP):
        stmt = gaps(user, product_id)
        if len(items) < per_page:
            rows = db.session.execute(stmt.limit(per_page - len(items)).offset(max(0, offset - total))).unique()
            items += [Suggestion(DealSource.CATALOGUE_GAP, client, product) for client, product in rows]
        total += _count(stmt)
    return Page(items, min(total, COUNT_CAP), page, per_page, has_next=offset + per_page < total,
                more=total > COUNT_CAP)


def find(user, today: date, source: DealSource, client_id: int, product_id: int | None,
         asset_id: int | None) -> Suggestion | None:
    """The one suggestion a tap names, if it still stands (same rules and scope as the list)."""
    if source is DealSource.MAINTENANCE:
        asset = db.session.execute(renewals(user, today).where(Asset.id == asset_id, Asset.client_id == client_id)
                                   ).unique().scalar_one_or_none()
        return asset and Suggestion(source, asset.client, asset.product, asset)
    row = db.session.execute(gaps(user, product_id).where(Client.id == client_id)).unique().first()
    return row and Suggestion(source, *row)


def create_deal(suggestion: Suggestion, user, today: date) -> Deal:
    """A deal at the first stage with one line of the product at its list price and a first step in three days,
    owned by the client's owner."""
    price = suggestion.product.list_price or Decimal("0")
    return services.create_deal(suggestion.client, {
        "title": suggestion.title, "owner_id": suggestion.client.owner_id, "source": suggestion.source,
        "next_action": _("Contact the client to learn the need"), "next_date": today + timedelta(days=FIRST_STEP_DAYS),
        "lines": [{"product_id": suggestion.product.id, "quantity": 1, "unit_price": price}]}, user)


def product_choices() -> list[Product]:
    return db.session.execute(select(Product).where(Product.active.is_(True)).order_by(Product.name)).scalars().all()
