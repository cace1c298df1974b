"""Reads of the archive, always through the scoping helper."""
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict

from app.archive.access import OWNER_ROLES
from app.archive.enums import (
    ClientCategory,
    Demand,
    DevelopmentType,
    Expansion,
    IncomeTier,
    LeadSource,
    Lifecycle,
    Relationship,
    StrategyLayer,
    ValueGrade,
)
from app.archive.models import Assessment, Client, Contact, Product, UnitLevel
from app.archive.rules import DEFAULT_THRESHOLDS, DEFAULT_WEIGHTS, normalise_name
from app.archive.search import matching
from app.core.forms import whole_number
from app.core.models import User, get_setting
from app.core.scoping import visible
from app.extensions import db

# URL parameter → (Client column, enum) for every filterable classification.
ENUM_FILTERS = {
    "status": (Client.status, Lifecycle),
    "category": (Client.category, ClientCategory),
    "lead_source": (Client.lead_source, LeadSource),
    "relationship": (Client.relationship_class, Relationship),
    "income_tier": (Client.income_tier, IncomeTier),
    "expansion": (Client.expansion, Expansion),
    "demand": (Client.demand, Demand),
    "development_type": (Client.development_type, DevelopmentType),
    "strategy_layer": (Client.strategy_layer, StrategyLayer),
    "value_grade": (Client.value_grade, ValueGrade),
}
SORT_LABELS = {"name": _l("Name"), "-updated": _l("Recently changed"), "grade": _l("Value grade"),
               "status": _l("Lifecycle status"), "city": _l("Region and city"), "-created": _l("Newest")}
SORTS = {
    "name": (Client.pinyin, Client.name),  # 重庆 before 自贡, as a Chinese reader expects
    "-updated": (Client.updated_at.desc(),),
    "grade": (Client.value_grade.is_(None), Client.value_grade, Client.pinyin),
    "status": (Client.status, Client.pinyin),
    "city": (Client.region, Client.city, Client.pinyin),
    "-created": (Client.created_at.desc(),),
}


@dataclass
class ExtraFilter:
    """A filter a domain above the archive adds to the client list (visits: the 5-3-2 band)."""

    label: object
    choices: Callable[[], list[tuple[str, object]]]
    apply: Callable[[Select, str], Select]


EXTRA_FILTERS: dict[str, ExtraFilter] = {}


@dataclass
class ClientFilters:
    """What the client list is narrowed and ordered by; lives in the URL so a view can be bookmarked."""

    q: str = ""
    owner: int | None = None
    region: str = ""
    city: str = ""
    sort: str = "name"
    enums: dict[str, list] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: MultiDict) -> "ClientFilters":
        enums = {}
        for key, (_column, enum_cls) in ENUM_FILTERS.items():
            chosen = [enum_cls(v) for v in args.getlist(key) if v in enum_cls._value2member_map_]
            if chosen:
                enums[key] = chosen
        owner = args.get("owner", "")
        sort = args.get("sort", "name")
        extra = {key: args[key] for key, spec in EXTRA_FILTERS.items()
                 if args.get(key) in dict(spec.choices())}
        return cls(q=args.get("q", "").strip(), owner=whole_number(owner),
                   region=args.get("region", "").strip(), city=args.get("city", "").strip(),
                   sort=sort if sort in SORTS else "name", enums=enums, extra=extra)

    def selected(self) -> dict[str, list[str]]:
        chosen = {key: [v.value for v in values] for key, values in self.enums.items()}
        chosen.update({k: [str(v)] for k, v in (("owner", self.owner), ("region", self.region),
                                                ("city", self.city)) if v})
        chosen.update({k: [v] for k, v in self.extra.items()})
        return chosen

    def to_args(self, **changes) -> dict:
        """URL parameters for this view, with ``changes`` applied (for sort links and pagination)."""
        args = {"q": self.q, "owner": self.owner, "region": self.region, "city": self.city, "sort": self.sort}
        args.update({key: [v.value for v in values] for key, values in self.enums.items()})
        args.update(self.extra)
        args.update(changes)
        return {k: v for k, v in args.items() if v not in ("", None, []) and (k, v) != ("sort", "name")}

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name not in ("sort",))


def client_list(user, filters: ClientFilters | None = None) -> Select:
    filters = filters or ClientFilters()
    stmt = visible(select(Client), Client, user)
    if filters.q:
        stmt = matching(stmt, filters.q)
    if filters.owner:
        stmt = stmt.where(Client.owner_id == filters.owner)
    if filters.region:
        stmt = stmt.where(Client.region == filters.region)
    if filters.city:
        stmt = stmt.where(Client.city == filters.city)
    for key, values in filters.enums.items():
        stmt = stmt.where(ENUM_FILTERS[key][0].in_(values))
    for key, value in filters.extra.items():
        stmt = EXTRA_FILTERS[key].apply(stmt, value)
    return stmt.order_by(*client_order(filters))


def client_order(filters: ClientFilters) -> list:
    return [*SORTS[filters.sort], Client.id]


def owner_choices():
    """Users a client can belong to: active sales reps and managers."""
    return (select(User).where(User.active.is_(True), User.role.in_(OWNER_ROLES))
            .order_by(User.display_name))


def filter_choices(user, owners) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(parameter, label, options) for the list's filter panel; places come from the user's own clients."""
    places = db.session.execute(
        visible(select(Client.region, Client.city).distinct(), Client, user).order_by(Client.region, Client.city)
    ).all()
    regions = sorted({r for r, _ in places if r})
    cities = sorted({c for _, c in places if c})
    choices = [(key, Client.field_labels[column.key], enum_cls.choices())
               for key, (column, enum_cls) in ENUM_FILTERS.items()]
    choices += [("region", Client.field_labels["region"], [(r, r) for r in regions]),
                ("city", Client.field_labels["city"], [(c, c) for c in cities])]
    choices += [(key, spec.label, spec.choices()) for key, spec in EXTRA_FILTERS.items()]
    if owners:
        choices.append(("owner", Client.field_labels["owner_id"], [(str(u.id), u.display_name) for u in owners]))
    return choices


def duplicates_of(name: str, exclude_id: int | None = None) -> list[Client]:
    """Every client, whoever owns it, whose normalised name equals this one's: two reps must not court the same
    hospital unknowingly. The caller shows only names of clients the user may not open."""
    stmt = select(Client).where(Client.name_key == normalise_name(name), Client.deleted_at.is_(None))
    if exclude_id:
        stmt = stmt.where(Client.id != exclude_id)
    return db.session.execute(stmt.limit(5)).scalars().all()


def client_matches(user, q: str, limit: int = 8) -> list[tuple[int, str]]:
    """(id, name) of the first clients the user may see that match a typed search (name, short name, phone,
    a contact's name or mobile): what a client picker offers."""
    rows = db.session.execute(client_list(user, ClientFilters(q=q.strip())).with_only_columns(Client.id, Client.name)
                              .limit(limit)).all()
    return [(row.id, row.name) for row in rows]


def client_choices(user, client_ids) -> list[tuple[int, str]]:
    """(id, name) of those of these clients the user may see, in the order given: the picks a form keeps."""
    ids = [client_id for client_id in client_ids if isinstance(client_id, int)]
    if not ids:
        return []
    names = dict(db.session.execute(visible(select(Client.id, Client.name).where(Client.id.in_(ids)), Client,
                                            user)).all())
    return [(client_id, names[client_id]) for client_id in dict.fromkeys(ids) if client_id in names]


def contact_choices(client_id: int) -> list[tuple[int, str]]:
    """(id, name) of a client's contacts; the caller has checked the client is visible."""
    rows = db.session.execute(select(Contact.id, Contact.name).where(
        Contact.client_id == client_id, Contact.deleted_at.is_(None)).order_by(Contact.name)).all()
    return [(row.id, row.name) for row in rows]


def product_choices() -> list[tuple[int, str]]:
    rows = db.session.execute(select(Product.id, Product.name).where(Product.active.is_(True))
                              .order_by(Product.category, Product.name)).all()
    return [(row.id, row.name) for row in rows]


def unit_level_choices() -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in db.session.execute(select(UnitLevel).order_by(UnitLevel.position)).scalars()]


def assessment_settings() -> tuple[dict[str, int], dict[str, int]]:
    """The admin's weights and grade thresholds, or the defaults."""
    return (get_setting("assessment_weights", DEFAULT_WEIGHTS),
            get_setting("assessment_thresholds", DEFAULT_THRESHOLDS))


def latest_assessment(client: Client) -> Assessment | None:
    return db.session.execute(select(Assessment).where(Assessment.client_id == client.id)
                              .order_by(Assessment.assessed_at.desc(), Assessment.id.desc()).limit(1)).scalar()
