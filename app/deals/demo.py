"""Secondary development's part of `seed-demo`: deals in every stage with their stage history (some next steps
past due, lost ones with reasons and lessons, stakeholders with stances and the inside contact's relationship),
won deals signed as contracts in every implementation state with milestones adding up to the amount, receipts
(some partial) and overdue milestones, a few direct contracts, and referrals whose first contract earned points,
one of them partly redeemed. About 10 % of clients have a deal and 4 % a contract.

Plain rows in bulk (core.demo.Bulk). Contract numbers run per year in the order signed, and the counters are set
to the highest number used, so the next contract signed in the app numbers on (as the complaints demo does)."""
import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, insert, or_, select

from app.archive.enums import DecisionRole, Lifecycle, ProductCategory, Stance
from app.archive.models import Client, Contact, Product
from app.core.demo import Bulk, record_stamps
from app.core.plugins import demo_seeder
from app.core.sequences import Counter
from app.deals.enums import (
    DEFAULT_PROBABILITY,
    OPEN_STAGES,
    DealSource,
    DealStage,
    DemandFit,
    ImplementationStatus,
    MilestoneKind,
    ReferralStatus,
    RelationshipStage,
)
from app.deals.models import (
    Contract,
    ContractLine,
    Deal,
    DealLine,
    DealStageChange,
    Milestone,
    PointsEntry,
    Receipt,
    Referral,
    Stakeholder,
    deal_interactions,
)
from app.deals.referrals import DEFAULT_RATE, reward_points
from app.extensions import db
from app.visits.enums import InteractionStatus
from app.visits.models import Interaction

DEAL_SHARE, CONTRACT_SHARE, DIRECT_SHARE, REFERRAL_SHARE = .10, .04, .01, .006
CENT = Decimal("0.01")
STAGE_WEIGHTS = {DealStage.TARGET: 10, DealStage.NEEDS: 10, DealStage.APPROACH: 8, DealStage.CONTACT: 8,
                 DealStage.MEETING_PLAN: 7, DealStage.MEETING: 7, DealStage.DRAFT: 6, DealStage.WON: 30,
                 DealStage.LOST: 14}
# (status, days since signing): a contract far enough along for its state
STATUS_AGE = {ImplementationStatus.NOT_STARTED: (3, 30), ImplementationStatus.IMPLEMENTING: (35, 95),
              ImplementationStatus.AWAITING_ACCEPTANCE: (100, 155), ImplementationStatus.ACCEPTED: (160, 700)}
TITLES = ("{p}升级改造", "新增{p}", "{p}与医保平台接口对接", "新院区{p}扩展", "{p}二期建设")
HARDWARE_DEALS = (("机房服务器及存储扩容", 350000), ("自助挂号机采购（10台）", 280000),
                  ("HIS 与区域卫生信息平台接口", 80000), ("护士站条码打印机更换", 45000))
NEXT_ACTIONS = ("电话约信息科主任确认需求", "上门演示 PACS 阅片功能", "提交初步方案和报价", "请院长参加技术交流会",
                "约设备科谈采购流程", "带工程师现场调研机房", "发送合同草案给院办审核", "参观兄弟医院上线案例")
COMPETITORS = ("卫宁健康", "东软医疗", "创业慧康", "东华医为", "", "", "")
LOST = (("预算被砍，项目延到明年", "年初就要进院里的预算盘子，九月再谈已经晚了。"),
        ("竞争对手报价低三成", "只和信息科谈，没有让院长看到我们的实施案例和服务价值。"),
        ("院长调任，新院长另有安排", "关键人单一，内线只发展到科室层面，高层变动后没有支撑。"),
        ("需求需定制开发，周期太长", "评估阶段就该明确定制范围和工期，报价前与研发确认可行性。"))
MEETING_PLANS = ("先请信息科主任引荐，院长办公会后约二十分钟汇报；带上兄弟医院上线前后对比数据。",
                 "分管副院长主持，信息科、医务科参加；重点讲医保结算合规和评级加分。")
FALLBACKS = ("若院长临时不在，改约分管副院长并留下书面方案，一周内再约。",
             "若对价格有异议，先谈分期付款和运维打包，不当场降价。")
STAKEHOLDER_NOTES = ("多汇报进展，请他参加技术交流", "关心他孩子升学，逢节日问候", "担心实施影响科室工作，安排培训",
                     "让他牵头评估，给足面子", "")
PLANS = (((MilestoneKind.DOWN_PAYMENT, 30), (MilestoneKind.ACCEPTANCE, 60), (MilestoneKind.FINAL, 10)),
         ((MilestoneKind.DOWN_PAYMENT, 50), (MilestoneKind.DELIVERY, 40), (MilestoneKind.FINAL, 10)),
         ((MilestoneKind.DOWN_PAYMENT, 40), (MilestoneKind.ACCEPTANCE, 60)))
DIRECT_TITLES = ("年度运维服务续签", "数据迁移服务", "系统巡检及优化服务")


def _link_touches() -> int:
    """Every deal's touches: the client's visits and calls done while the deal ran (one INSERT … SELECT)."""
    done = (select(Deal.id, Interaction.id).join(Interaction, Interaction.client_id == Deal.client_id)
            .where(Interaction.status == InteractionStatus.DONE, Interaction.deleted_at.is_(None),
                   Interaction.done_at >= Deal.created_at,
                   or_(Deal.closed_on.is_(None), func.date(Interaction.done_at) <= Deal.closed_on)))
    db.session.execute(insert(deal_interactions).from_select(["deal_id", "interaction_id"], done))
    return db.session.scalar(select(func.count()).select_from(deal_interactions))  # rowcount: -1 on PostgreSQL


def _at(day: date, rng: random.Random) -> datetime:
    """A moment of office hours on ``day``, stored as UTC (Chongqing is 8 hours ahead)."""
    return datetime.combine(day, time(rng.randint(0, 9), rng.choice((0, 15, 30, 45))))


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _path(stage: DealStage, rng: random.Random) -> list[DealStage]:
    """The stages a deal went through to reach ``stage``: a lost one gave up somewhere along the way."""
    if stage is DealStage.LOST:
        return [*OPEN_STAGES[:rng.randint(1, len(OPEN_STAGES))], DealStage.LOST]
    if stage is DealStage.WON:
        return [*OPEN_STAGES, DealStage.WON]
    return list(OPEN_STAGES[:OPEN_STAGES.index(stage) + 1])


def _dates(steps: int, end: date, rng: random.Random) -> list[date]:
    """When each step was reached, the last on ``end``: 3 to 25 days apart."""
    days = [end]
    for _step in range(steps - 1):
        days.append(days[-1] - timedelta(days=rng.randint(3, 25)))
    return days[::-1]


class DealSeeder:
    def __init__(self, bulk: Bulk, rng: random.Random, demo, contacts: dict, products: list):
        self.bulk, self.rng, self.today = bulk, rng, demo.today
        self.contacts, self.products = contacts, products
        self.fallback_owner = demo.users["sales1"].id
        self.contracts: list[dict] = []  # (before numbering) rows with their lines

    def lines(self) -> list[tuple[int, int, Decimal]]:
        """(product, quantity, unit price) from the catalogue, at a discount of up to 15 %."""
        picked = self.rng.sample(self.products, self.rng.choice((1, 1, 2, 3)))
        return [(product_id, 1 if category is ProductCategory.MODULE else self.rng.randint(1, 3),
                 _money(price * Decimal(self.rng.randint(85, 100)) / 100).quantize(Decimal("100")))
                for product_id, name, price, category in picked]

    def deal(self, client, stage: DealStage, end: date | None = None) -> None:
        rng, today = self.rng, self.today
        owner = client.owner_id or self.fallback_owner
        if rng.random() < .15:
            title, amount = rng.choice(HARDWARE_DEALS)
            lines, amount = [], _money(amount)
        else:
            lines = self.lines()
            title = rng.choice(TITLES).format(p=next(name for pid, name, *_ in self.products if pid == lines[0][0]))
            amount = sum((price * quantity for _p, quantity, price in lines), Decimal(0))
        path = _path(stage, rng)
        days = _dates(len(path), end or today - timedelta(days=rng.randint(0, 300 if stage is DealStage.LOST else 25)),
                      rng)
        people = self.contacts.get(client.id, [])
        key = next((c for c in people if c[1] is DecisionRole.DECIDER), None)
        inside = next((c for c in people if c[2]), None) or next((c for c in people if c[1] is DecisionRole.INFLUENCER),
                                                                  None)
        is_open = stage.is_open
        overdue = rng.random() < .25
        row = {"client_id": client.id, "title": title, "owner_id": owner, "stage": stage,
               "probability": DEFAULT_PROBABILITY[stage], "amount": amount,
               "expected_close": (today + timedelta(days=rng.randint(15, 180))) if is_open else days[-1],
               "key_person_id": key[0] if key else None, "inside_contact_id": inside[0] if inside else None,
               "competitor": rng.choice(COMPETITORS), "demand_fit": rng.choice(tuple(DemandFit)),
               "source": rng.choice((DealSource.VISIT, DealSource.VISIT, DealSource.CATALOGUE_GAP,
                                     DealSource.MAINTENANCE, DealSource.OTHER)),
               "closed_on": None if is_open else days[-1]}
        if is_open:
            row.update(next_action=rng.choice(NEXT_ACTIONS),
                       next_date=today + timedelta(days=-rng.randint(1, 12) if overdue else rng.randint(0, 21)))
        if DealStage.MEETING_PLAN in path:
            row.update(meeting_plan=rng.choice(MEETING_PLANS), fallback_plan=rng.choice(FALLBACKS))
        if stage is DealStage.LOST:
            row["lost_reason"], row["lessons"] = rng.choice(LOST)
        deal_id = self.bulk.add(Deal, **row, **record_stamps(_at(days[0], rng), owner))
        for product_id, quantity, price in lines:
            self.bulk.add(DealLine, deal_id=deal_id, product_id=product_id, quantity=quantity, unit_price=price,
                          **record_stamps(_at(days[0], rng), owner))
        previous = None
        for step, day in zip(path, days, strict=True):
            self.bulk.add(DealStageChange, deal_id=deal_id, at=_at(day, rng), user_id=owner, from_stage=previous,
                          to_stage=step)
            previous = step
        for contact_id, role, is_inside in people[:3]:
            self.bulk.add(Stakeholder, deal_id=deal_id, contact_id=contact_id, decision_role=role,
                          stance=rng.choices(tuple(Stance), (5, 4, 1))[0],
                          relationship_stage=rng.choice(tuple(RelationshipStage)) if is_inside else None,
                          notes=rng.choice(STAKEHOLDER_NOTES), **record_stamps(_at(days[0], rng), owner))
        if stage is DealStage.WON:
            self.contracts.append({"client_id": client.id, "deal_id": deal_id, "title": title, "owner_id": owner,
                                   "signed_on": days[-1], "amount": amount, "lines": lines})

    def direct(self, client, signed_on: date) -> None:
        """A contract signed without a deal in the pipeline (a maintenance renewal, a service)."""
        service = [p for p in self.products if p[3] is ProductCategory.SERVICE] or self.products
        product_id, _name, price, _category = self.rng.choice(service)
        lines = [(product_id, 1, _money(price))]
        self.contracts.append({"client_id": client.id, "deal_id": None, "title": self.rng.choice(DIRECT_TITLES),
                               "owner_id": client.owner_id or self.fallback_owner, "signed_on": signed_on,
                               "amount": lines[0][2], "lines": lines})


def _status_for(signed_on: date, today: date) -> ImplementationStatus:
    age = (today - signed_on).days
    fitting = [status for status, (low, _high) in STATUS_AGE.items() if age >= low]
    return fitting[-1] if fitting else ImplementationStatus.NOT_STARTED


def _contract(bulk: Bulk, rng: random.Random, today: date, row: dict, number: str) -> int:
    """A contract with its lines, its milestones (adding up to the amount) and the receipts so far."""
    signed, amount = row["signed_on"], row["amount"]
    status = _status_for(signed, today)
    dates = {"implementation_start": None, "acceptance_planned": signed + timedelta(days=rng.randint(90, 150)),
             "acceptance_actual": None, "maintenance_until": None}
    if status is not ImplementationStatus.NOT_STARTED:
        dates["implementation_start"] = signed + timedelta(days=rng.randint(7, 30))
    if status is ImplementationStatus.ACCEPTED:
        accepted = min(today, dates["acceptance_planned"] + timedelta(days=rng.randint(-10, 30)))
        dates.update(acceptance_actual=accepted, maintenance_until=accepted + timedelta(days=365 * rng.randint(1, 3)))
    stamps = record_stamps(_at(signed, rng), row["owner_id"])
    contract_id = bulk.add(Contract, number=number, client_id=row["client_id"], deal_id=row["deal_id"],
                           title=row["title"], owner_id=row["owner_id"], signed_on=signed, amount=amount,
                           implementation_status=status, **dates, **stamps)
    for product_id, quantity, price in row["lines"]:
        bulk.add(ContractLine, contract_id=contract_id, product_id=product_id, quantity=quantity, unit_price=price,
                 **stamps)
    plan = rng.choice(PLANS)
    due = {MilestoneKind.DOWN_PAYMENT: signed + timedelta(days=15), MilestoneKind.DELIVERY: signed + timedelta(days=60),
           MilestoneKind.ACCEPTANCE: (dates["acceptance_actual"] or dates["acceptance_planned"]) + timedelta(days=30)}
    due[MilestoneKind.FINAL] = due[MilestoneKind.ACCEPTANCE] + timedelta(days=365)  # after the warranty year
    left = amount
    for n, (kind, percent) in enumerate(plan):
        share = left if n == len(plan) - 1 else _money(amount * percent / 100)  # the last takes the remainder
        left -= share
        milestone_id = bulk.add(Milestone, contract_id=contract_id, kind=kind, due_on=due[kind], amount=share,
                                **stamps)
        if due[kind] > today or (kind is MilestoneKind.ACCEPTANCE and status is not ImplementationStatus.ACCEPTED):
            continue  # not due yet (acceptance money waits for acceptance)
        paid = rng.random()
        if paid < .15:
            continue  # overdue: nothing received
        received = min(today, due[kind] + timedelta(days=rng.randint(-5, 25)))
        part = _money(share * Decimal(rng.randint(30, 70)) / 100) if paid < .35 else share  # some pay in part
        bulk.add(Receipt, milestone_id=milestone_id, received_on=received, amount=part,
                 note="银行转账" if part == share else "部分回款，余款院方走审批", **stamps)
    return contract_id


def _number_contracts(bulk: Bulk, rng: random.Random, today: date, rows: list[dict]) -> list[dict]:
    rows.sort(key=lambda row: row["signed_on"])
    numbers: dict[int, int] = {}
    for row in rows:
        year = row["signed_on"].year
        numbers[year] = numbers.get(year, 0) + 1
        row["number"] = f"HT-{year}-{numbers[year]:04d}"
        row["id"] = _contract(bulk, rng, today, row, row["number"])
    for year, last in numbers.items():  # the next contract signed in the app numbers on from here
        db.session.merge(Counter(key=f"HT-{year}", value=last))
    return rows


def _referrals(bulk: Bulk, rng: random.Random, demo, clients: list, contracts: list[dict]) -> None:
    """Referrals: those whose referred client has signed earned points at the default rate on its first contract
    (one partly redeemed); the others still new leads, being contacted or not won."""
    first: dict[int, dict] = {}
    for row in contracts:  # signed order: the first seen is the first contract
        first.setdefault(row["client_id"], row)
    count = max(4, round(demo.clients * REFERRAL_SHARE))
    referred_signed = rng.sample(sorted(first), min(len(first), count // 2 + 1))
    leads = [c for c in clients if c.status is Lifecycle.LEAD and c.id not in first]
    referred = [(client_id, first[client_id]) for client_id in referred_signed]
    referred += [(c.id, None) for c in rng.sample(leads, min(len(leads), count - len(referred)))]
    customers = [c for c in clients if c.status is Lifecycle.CUSTOMER]
    redeemed = False
    for client_id, contract in referred:
        referrer = rng.choice(customers or clients)
        if referrer.id == client_id:
            continue
        owner = referrer.owner_id or demo.users["sales1"].id
        on = (contract["signed_on"] - timedelta(days=rng.randint(30, 120)) if contract
              else demo.today - timedelta(days=rng.randint(3, 150)))
        status = ReferralStatus.SIGNED if contract else rng.choice(
            (ReferralStatus.NEW, ReferralStatus.CONTACTED, ReferralStatus.LOST))
        referral_id = bulk.add(Referral, client_id=referrer.id, referred_client_id=client_id, referred_on=on,
                               status=status, contract_id=contract["id"] if contract else None,
                               notes="院长在年会上推荐了我们的系统", **record_stamps(_at(on, rng), owner))
        if not contract:
            continue
        points = reward_points(contract["amount"], DEFAULT_RATE)
        signed = _at(contract["signed_on"], rng)
        bulk.add(PointsEntry, client_id=referrer.id, booked_on=contract["signed_on"], points=points,
                 referral_id=referral_id, note=f"转介绍：合同 {contract['number']}", **record_stamps(signed, owner))
        if not redeemed:
            redeemed = True
            day = min(demo.today, contract["signed_on"] + timedelta(days=30))
            bulk.add(PointsEntry, client_id=referrer.id, booked_on=day, points=-_money(points * Decimal("0.4")),
                     note="兑换：免费年度巡检一次", **record_stamps(_at(day, rng), owner))


@demo_seeder(order=50)
def seed_deals(demo) -> dict[str, int]:
    rng = demo.rng("deals")
    clients = db.session.execute(select(Client.id, Client.owner_id, Client.status)
                                 .where(Client.deleted_at.is_(None)).order_by(Client.id)).all()
    products = db.session.execute(select(Product.id, Product.name, Product.list_price, Product.category)
                                  .where(Product.active.is_(True), Product.list_price.is_not(None))
                                  .order_by(Product.id)).all()
    if not clients or not products:
        return {}
    contacts: dict[int, list] = {}
    for client_id, contact_id, role, inside in db.session.execute(
            select(Contact.client_id, Contact.id, Contact.decision_role, Contact.is_inside_contact)
            .where(Contact.deleted_at.is_(None)).order_by(Contact.client_id, Contact.id)):
        contacts.setdefault(client_id, []).append((contact_id, role, inside))
    with Bulk(Deal, DealLine, DealStageChange, Stakeholder, Contract, ContractLine, Milestone, Receipt, Referral,
              PointsEntry) as bulk:
        seeder = DealSeeder(bulk, rng, demo, contacts, products)
        live = [c for c in clients if c.status is not Lifecycle.LOST]
        stages = tuple(STAGE_WEIGHTS)
        first = [*stages, *[DealStage.WON] * (len(STATUS_AGE) - 1)]  # every stage and implementation state shows
        won = 0
        for n in range(max(len(first), round(demo.clients * DEAL_SHARE))):
            stage = first[n] if n < len(first) else rng.choices(stages, tuple(STAGE_WEIGHTS.values()))[0]
            end = None
            if stage is DealStage.WON:  # signed long enough ago for its implementation state, in turn
                low, high = tuple(STATUS_AGE.values())[won % len(STATUS_AGE)]
                end, won = demo.today - timedelta(days=rng.randint(low, high)), won + 1
            seeder.deal(rng.choice(live), stage, end)
        for _n in range(max(1, round(demo.clients * DIRECT_SHARE))):
            seeder.direct(rng.choice(live), demo.today - timedelta(days=rng.randint(5, 600)))
        contracts = _number_contracts(bulk, rng, demo.today, seeder.contracts)
        _referrals(bulk, rng, demo, clients, contracts)
    touches = _link_touches()
    counts = bulk.counts
    return {"deals": counts["deals"], "touches": touches, "contracts": counts["contracts"],
            "milestones": counts["milestones"], "receipts": counts["receipts"], "referrals": counts["referrals"]}
