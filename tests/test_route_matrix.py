"""Every route that takes a record id, for every role, in the page and the htmx flavour.

ROUTES is checked against ``app.url_map``: a new route with an ``<int:…_id>`` argument fails the suite until it
has an entry here. An entry says which record of ``World`` (a client owned by another sales rep, with everything
hanging on it) fills the URL, and what each role gets:

- 404 or 403: refused, and nothing in the database or the attachment folder changed (every table is reloaded
  and compared, the files listed);
- OK: let through: the page, or the form saved. The same form data goes to every role, so a form that answers
  422 when let through means the data would not show a missing check either: the entry then adds the fields;
- gap("…"): let through today although DESIGN.md (roles) says 403, for the reason given. When the code is
  fixed the case fails: write 403.

Refusals share one world for the whole module (they change nothing); an allowed POST gets a world of its own.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from itertools import count
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from app import create_app
from app.archive.attachments import save_upload
from app.archive.enums import Stance
from app.archive.rules import CRITERIA
from app.complaints import confirmation, services
from app.complaints.churn import ChurnRecord
from app.complaints.enums import ChurnReason, ComplaintStatus
from app.complaints.models import Survey
from app.core.models import Role
from app.core.sequences import next_number
from app.core.workdays import WorkdayOverride
from app.dashboard.targets import Review
from app.deals import referrals
from app.deals import services as deal_services
from app.deals.contracts import add_receipt, create_contract
from app.deals.enums import MilestoneKind
from app.deals.models import Contract, Stakeholder
from app.extensions import db
from app.reports.batch import BatchRun, RunStatus
from app.reports.models import ProductUpdate
from tests.archive.test_attachments import PNG
from tests.conftest import empty_database
from tests.factories import (
    PASSWORD,
    AssetFactory,
    CadenceRuleFactory,
    ClientFactory,
    ContactFactory,
    InteractionFactory,
    ProductFactory,
    SpecialDateFactory,
    make_user,
)

ADMIN, MANAGER, SALES, SERVICE = Role.ADMIN, Role.MANAGER, Role.SALES, Role.SERVICE
RECORD_ID = re.compile(r"<int:(\w+_id)>")
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Allowed:
    gap: str = ""  # why DESIGN.md would refuse it; empty when the role may


OK = Allowed()


def gap(why: str) -> Allowed:
    return Allowed(why)


@dataclass(frozen=True)
class Route:
    values: Callable  # World -> the URL's arguments
    answers: dict[Role, int | Allowed]
    fields: dict  # what this route's form reads differently from form(world); a callable gets the world


def ids(*names):
    """The URL arguments ``<name>_id`` from the world's record of that name: ids("client", "contact")."""
    return lambda world: {f"{name}_id": getattr(world, name).id for name in names}


def scoped(values, service, **fields) -> Route:
    """A record on another rep's client: that rep's colleague gets 404; admin and manager may."""
    return Route(values, {ADMIN: OK, MANAGER: OK, SALES: 404, SERVICE: service}, fields)


def admin_only(values, **fields) -> Route:
    return Route(values, {ADMIN: OK, MANAGER: 403, SALES: 403, SERVICE: 403}, fields)


def managers_only(values, **fields) -> Route:
    return Route(values, {ADMIN: OK, MANAGER: OK, SALES: 403, SERVICE: 403}, fields)


NOT_SERVICE_TOUCH = "service logs service interactions; this one is a routine or care touch"

# One entry per endpoint: when an endpoint moves to another blueprint, rename its key.
ROUTES = {
    "archive.detail": scoped(ids("client"), service=OK),
    "archive.edit": scoped(ids("client"), service=403, status="customer", category=""),
    "archive.delete": scoped(ids("client"), service=403),
    "archive.history": scoped(ids("client"), service=OK),
    "archive.assess": scoped(ids("client"), service=403),
    "archive.contact_new": scoped(ids("client"), service=403),
    "archive.contact_detail": scoped(ids("client", "contact"), service=OK),
    "archive.contact_history": scoped(ids("client", "contact"), service=OK),
    "archive.contact_edit": scoped(ids("client", "contact"), service=403),
    "archive.contact_delete": scoped(ids("client", "contact"), service=403),
    "archive.special_date_new": scoped(ids("client"), service=403, kind="other"),
    "archive.special_date_edit": scoped(ids("client", "special_date"), service=403, kind="other"),
    "archive.special_date_delete": scoped(ids("client", "special_date"), service=403),
    "archive.asset_new": scoped(ids("client"), service=OK),
    "archive.asset_edit": scoped(ids("client", "asset"), service=OK),
    "archive.asset_delete": scoped(ids("client", "asset"), service=OK),
    "archive.attachment_add": scoped(ids("client"), service=OK),  # service photographs on site
    "archive.attachment_file": scoped(ids("client", "attachment"), service=OK),
    "archive.attachment_delete": scoped(ids("client", "attachment"), service=403),
    "visits.detail": scoped(ids("visit"), service=OK),
    "visits.history": scoped(ids("visit"), service=OK),
    "visits.edit": scoped(ids("visit"), service=403),
    "visits.reschedule": scoped(ids("visit"), service=403),
    "visits.cancel": scoped(ids("visit"), service=403),
    "visits.missed": scoped(ids("visit"), service=403),
    "visits.attachment_add": scoped(ids("visit"), service=403),
    "visits.quick_log": scoped(ids("client"), service=gap(NOT_SERVICE_TOUCH)),
    "visits.greet": scoped(ids("contact"), service=gap(NOT_SERVICE_TOUCH)),
    # Complaints: service works them all; a rep comments on (and may not move) only their own clients'.
    "complaints.detail": scoped(ids("complaint"), service=OK),
    "complaints.history": scoped(ids("complaint"), service=OK),
    "complaints.note": scoped(ids("complaint"), service=OK, text="改名", kind="note"),
    "complaints.move": scoped(ids("complaint"), service=OK, status="resolving"),
    "complaints.close": scoped(ids("complaint"), service=OK, root_cause="改名", solution="改名", satisfaction="4",
                               confirmed_by="改名"),
    "complaints.edit": scoped(ids("complaint"), service=OK, title="改名", category="service", severity="ordinary",
                              received_at="2026-11-20T10:00", version=lambda world: world.complaint.version),
    "complaints.delete": scoped(ids("complaint"), service=OK),
    "visits.rule_edit": admin_only(ids("rule")),
    "visits.rule_delete": admin_only(ids("rule")),
    "complaints.churn_detail": scoped(ids("churn"), service=OK),
    "complaints.churn_edit": scoped(ids("churn"), service=403, reason="price", lost_on="2026-11-01",
                                    outcome="won_back"),
    "complaints.churn_delete": scoped(ids("churn"), service=403),
    "archive_settings.product_edit": admin_only(ids("product")),
    "admin.user_edit": admin_only(ids("user")),
    "admin.user_password": admin_only(ids("user")),
    "complaints.confirmation_link_new": scoped(ids("complaint"), service=OK),
    "complaints.survey_detail": scoped(ids("survey"), service=OK),
    "complaints.survey_link": scoped(ids("client"), service=OK),
    "admin.workday_delete": admin_only(ids("override")),
    # Contracts: the client's rep and managers change them; service reads them (DESIGN.md, roles).
    "contracts.detail": scoped(ids("contract"), service=OK),
    "contracts.history": scoped(ids("contract"), service=OK),
    "contracts.edit": scoped(ids("contract"), service=403, title="改名", signed_on="2026-11-02", amount="100.00",
                             version=lambda world: world.contract.version,
                             **{"milestones-0-id": lambda world: world.contract.milestones[0].id,
                                "milestones-0-kind": "final", "milestones-0-due_on": "2026-12-01",
                                "milestones-0-amount": "100.00"}),
    "contracts.delete": scoped(ids("contract"), service=403),
    "contracts.move": scoped(ids("contract"), service=403, status="implementing"),
    "contracts.receipt_add": scoped(ids("contract"), service=403, amount="1.00", received_on="2026-11-20",
                                    milestone_id=lambda world: world.contract.milestones[0].id),
    "contracts.receipt_delete": scoped(ids("contract", "receipt"), service=403),
    "contracts.attachment_add": scoped(ids("contract"), service=403),
    # Documents: the same scope as the pages they print (the visit plan and the labels take no record id: their
    # scope is tested in tests/reports).
    "reports.contract_sheet_pdf": scoped(ids("client"), service=OK),
    # Deals: sales change their own clients' stakeholder maps, service reads them.
    "deals.stakeholders": scoped(ids("deal"), service=OK),
    "deals.stakeholder_add": scoped(ids("deal"), service=403, **{"new-contact_id": lambda world: world.contact.id}),
    "deals.stakeholder_edit": scoped(ids("deal", "stakeholder"), service=403),
    "deals.stakeholder_delete": scoped(ids("deal", "stakeholder"), service=403),
    "deals.meeting_plan": scoped(ids("deal"), service=403, meeting_plan="改名"),
    # Referrals: sales change their own clients', service reads them (403 on writes), managers all.
    "deals.referral_detail": scoped(ids("referral"), service=OK),
    "deals.referral_history": scoped(ids("referral"), service=OK),
    "deals.referral_edit": scoped(ids("referral"), service=403, referred_on="2026-11-02", status="contacted",
                                  lead_name="", referred_client_id=lambda world: world.referred.id,
                                  version=lambda world: world.referral.version),
    "deals.referral_delete": scoped(ids("referral"), service=403),
    "deals.points_redeem": scoped(ids("client"), service=403, points="1", note="兑换"),
    # Deals: sales change their own clients', service sees them read-only.
    "deals.detail": scoped(ids("deal"), service=OK),
    "deals.move": scoped(ids("deal"), service=403, stage="needs"),
    "deals.edit": scoped(ids("deal"), service=403, title="改名", next_action="改名", next_date="2030-03-01",
                         version=lambda world: world.deal.version),
    "deals.touch": scoped(ids("deal"), service=403, interaction_id=lambda world: world.touch.id),
    "deals.delete": scoped(ids("deal"), service=403),
    "admin.restore": managers_only(lambda world: {"entity": "clients", "record_id": world.deleted_client.id}),
    # Documents: whoever sees the client prints its service report (the survey link on it may be issued).
    "reports.service_report": scoped(lambda world: {"client_id": world.client.id, "month": "2026-10"}, service=OK),
    "reports.service_report_pick": scoped(ids("client"), service=OK),
    "reports.vip": scoped(ids("client"), service=OK),  # the quarterly VIP summary: whoever sees the client
    "reports.vip_pdf": scoped(ids("client"), service=OK),
    "reports.product_update_edit": managers_only(ids("product_update"), month="2026-10", title="改名",
                                                 version=lambda world: world.product_update.version),
    "reports.product_update_delete": managers_only(ids("product_update")),
    # The month's service reports of all clients: managers' (DESIGN.md: a rep prints only their own clients').
    "reports.batch_run": managers_only(lambda world: {"run_id": world.batch_run.id}),
    # A review (复盘) of a rep's scope: admin and manager write any, a rep only their own, service none.
    "dashboard.review": scoped(ids("review"), service=403, version=lambda world: world.review.version),
    "dashboard.review_pdf": scoped(ids("review"), service=403),
}


@dataclass
class World:
    """A client owned by another sales rep (``user``) with one of everything on it, and the admin's records."""

    user: object
    client: object
    contact: object
    special_date: object
    asset: object
    attachment: object
    visit: object
    deleted_client: object
    product: object
    rule: object
    churn: object
    complaint: object  # awaiting the client's confirmation, its link issued
    survey: object
    override: object  # the admin's working-calendar override
    contract: object  # 100 yuan in one milestone, 1 yuan of it received
    receipt: object
    deal: object  # open, with a next step
    stakeholder: object  # on the deal's map (another contact than ``contact``)
    referred: object  # a client the world's client referred (its referral earned it 5 % of a contract)
    referral: object
    touch: object  # a call done with the client, to link to the deal
    product_update: object  # the month's product update for every client's report
    batch_run: object  # a manager's run of the month's service reports (all clients)
    review: object  # the review (复盘) of October 2026 for the rep's own scope


OVERRIDE_DAYS = count()  # each world's override needs a date of its own


def workday_override() -> WorkdayOverride:
    override = WorkdayOverride(day=date(2027, 1, 1) + timedelta(days=next(OVERRIDE_DAYS)), is_workday=True)
    db.session.add(override)
    return override


def churn_record(client) -> ChurnRecord:
    record = ChurnRecord(client_id=client.id, lost_on=date(2026, 11, 1), reason=ChurnReason.COMPETITOR)
    db.session.add(record)
    return record


def build_world() -> World:
    owner = make_user("sales")
    client = ClientFactory(owner_id=owner.id)
    contact = ContactFactory(client_id=client.id)
    deleted_client = ClientFactory(owner_id=owner.id)
    deleted_client.soft_delete(owner)
    world = World(
        user=owner, client=client, contact=contact, deleted_client=deleted_client,
        special_date=SpecialDateFactory(client_id=client.id, contact_id=contact.id),
        asset=AssetFactory(client_id=client.id),
        attachment=save_upload(client, FileStorage(BytesIO(PNG), "机房.png"), "", owner),
        visit=InteractionFactory(client_id=client.id, user_id=owner.id, planned=True),
        product=ProductFactory(), rule=CadenceRuleFactory(), complaint=_complaint(client, owner),
        survey=Survey(client_id=client.id, nps=9, answered_at=datetime(2026, 10, 1)), override=workday_override(),
        churn=churn_record(client), contract=_contract(client, owner), receipt=None, **_deal(client, owner),
        **_referral(client, owner), touch=InteractionFactory(client_id=client.id, user_id=owner.id),
        product_update=ProductUpdate(month=date(2026, 10, 1), title="电子病历 5.2 发布"), batch_run=_batch_run(),
        review=Review(period_kind="month", period_start=date(2026, 10, 1), rep_id=owner.id, lines={}))
    world.receipt = add_receipt(world.contract, {"milestone_id": world.contract.milestones[0].id,
                                                 "received_on": date(2026, 11, 20), "amount": Decimal("1.00")})
    db.session.add_all([world.survey, world.product_update, world.review])
    db.session.commit()
    return world


def _contract(client, owner):
    return create_contract(client, {
        "title": "HIS", "signed_on": date(2026, 11, 2), "amount": Decimal("100.00"), "lines": [],
        "milestones": [{"kind": MilestoneKind.FINAL, "due_on": date(2026, 12, 1), "amount": Decimal("100.00")}]},
        owner)


def _batch_run() -> BatchRun:
    run = BatchRun(month=date(2026, 10, 1), requested_by_id=make_user("manager").id, status=RunStatus.DONE)
    db.session.add(run)
    db.session.flush()
    return run


def _deal(client, owner) -> dict:
    deal = deal_services.create_deal(client, {"title": "移动护理", "next_action": "约主任",
                                              "next_date": date(2030, 1, 1)}, owner)
    stakeholder = Stakeholder(contact=ContactFactory(client_id=client.id), stance=Stance.NEUTRAL)
    deal.stakeholders.append(stakeholder)
    return {"deal": deal, "stakeholder": stakeholder}


def _complaint(client, owner):
    complaint = services.create_complaint(client, {"title": "打印卡顿"}, owner)
    for target in (ComplaintStatus.ANALYSING, ComplaintStatus.RESOLVING, ComplaintStatus.FEEDBACK):
        services.change_status(complaint, target, owner)
    confirmation.on_feedback(complaint, owner)
    return complaint


def _referral(client, owner) -> dict:
    """The client referred another, whose first contract granted points to redeem."""
    referred = ClientFactory(owner_id=owner.id)
    referral = referrals.create_referral(client, {"referred_client_id": referred.id}, owner)
    contract = Contract(client_id=referred.id, number=next_number("HT", 2026), title="LIS", amount=Decimal("1000"),
                        signed_on=date(2026, 11, 1))
    db.session.add(contract)
    db.session.flush()
    referrals.grant_for_contract(contract, owner)
    return {"referred": referred, "referral": referral}


def form(world: World) -> dict:
    """What the forms here need to save (an entry adds what its form reads differently), so a route that forgot
    its check would really change something; the roles let through prove it by saving. Names differ per world:
    product names are unique."""
    return {
        "name": f"改名{world.client.id}", "version": 1, "owner_id": world.user.id,
        "summary": "改名", "reason": "改名", "occasion": "改名", "method": "phone", "purpose": "routine",
        "planned_at": "2030-03-01T10:00", "kind": "hardware", "quantity": 9, "status": "in_use",
        "month": 1, "day": 1, "remind_days": 7, "file": (BytesIO(PNG), "改名.png"),
        **{f"scores-{key}": 3 for key in CRITERIA},
        "display_name": "改名", "role": "sales", "locale": "zh_CN", "active": "y",
        "new_password": "gaiming-123", "confirm": "gaiming-123",
        "category": "module", "dimension": "value_grade", "value": "B", "channel": "phone", "interval_days": 9}


def cases():
    """(rule, method, role, expected, htmx) for every rule with a record id, read from a throwaway app's map."""
    app = create_app({"TESTING": True, "SECRET_KEY": "route-matrix", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if rule.endpoint not in ROUTES or not RECORD_ID.search(rule.rule):
            continue  # the completeness test names what is missing
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role, expected in ROUTES[rule.endpoint].answers.items():
                for flavour in ("page", "htmx"):
                    yield pytest.param(rule, method, role, expected, flavour == "htmx",
                                       id=f"{rule.endpoint}-{method}-{role.value}-{flavour}")


def test_every_route_with_a_record_id_has_an_entry(app):
    with_ids = {rule.endpoint for rule in app.url_map.iter_rules() if RECORD_ID.search(rule.rule)}
    missing, stale = sorted(with_ids - ROUTES.keys()), sorted(ROUTES.keys() - with_ids)
    assert with_ids == ROUTES.keys(), f"add to ROUTES in {__name__}: {missing}; no such route any more: {stale}"


@dataclass
class Matrix:
    world: World
    clients: dict  # Role -> a test client signed in with that role
    instance: Path


@pytest.fixture(scope="module")
def matrix(app, tmp_path_factory):
    """One world and one signed-in test client per role for the whole module, the tables emptied at the end as
    `db` does after a test; attachments go to a temporary instance folder."""
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(app, "instance_path", str(tmp_path_factory.mktemp("instance")))
        users = {role: make_user(role) for role in Role}
        db.session.commit()
        clients = {role: app.test_client() for role in Role}
        for role, user in users.items():
            signed_in = clients[role].post("/auth/login", data={"username": user.username, "password": PASSWORD})
            assert signed_in.status_code == 302
        yield Matrix(build_world(), clients, Path(app.instance_path))
        empty_database()


def snapshot(instance: Path) -> dict:
    """Every row of every table, and the names of the files kept."""
    with db.engine.connect() as connection:
        state = {table.name: [tuple(row) for row in connection.execute(table.select().order_by(*table.primary_key))]
                 for table in db.metadata.sorted_tables}
    state["files"] = sorted(str(path.relative_to(instance)) for path in instance.rglob("*"))
    return state


@pytest.mark.parametrize("rule, method, role, expected, htmx", list(cases()))
def test_route_answers_by_role(matrix, rule, method, role, expected, htmx):
    refused = not isinstance(expected, Allowed)
    world = build_world() if method != "GET" and not refused else matrix.world  # an allowed write gets its own
    _, url = rule.build(ROUTES[rule.endpoint].values(world), append_unknown=False)
    fields = {name: value(world) if callable(value) else value for name, value in ROUTES[rule.endpoint].fields.items()}
    data = {**form(world), **fields} if method != "GET" else None
    before = snapshot(matrix.instance) if refused else None

    response = matrix.clients[role].open(url, method=method, data=data, headers=HTMX if htmx else {})

    if refused:
        after = snapshot(matrix.instance)
        if after != before:
            matrix.world = build_world()  # spoilt: the next cases get a new one, so only this case fails
        assert response.status_code == expected, f"{role.value} {method} {url}: {response.status_code}"
        assert after == before, f"{role.value} {method} {url} changed {[t for t in after if after[t] != before[t]]}"
    elif response.status_code in (409, 422):
        pytest.fail(f"{role.value} {method} {url}: {response.status_code}, the form was not saved; give the entry "
                    "the fields it needs, or a route that forgot its check would go unnoticed")
    else:
        assert response.status_code < 400, (
            f"{role.value} {method} {url}: {response.status_code}; the table says let through"
            + (f" (a known gap: {expected.gap}); if the code refuses now, write the refusal" if expected.gap else ""))
