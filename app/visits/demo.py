"""The visits' part of `seed-demo`: the default cadence rules and about two years of touches per client at its
grade's pace, some planned visits ahead, and some clients left stale so the overdue list is not empty.

Plain rows inserted in bulk (core.demo.Bulk): interactions get their ids up front, so the contacts of a visit
(interaction_contacts) are written in the same pass; no audit events for demo visits."""
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.archive.models import Client, Contact
from app.core.demo import Bulk, record_stamps
from app.core.plugins import demo_seeder
from app.extensions import db
from app.visits import cadence
from app.visits.enums import (
    Channel,
    ExtraService,
    GradeDimension,
    InteractionStatus,
    Method,
    Purpose,
    Satisfaction,
)
from app.visits.models import CadenceRule, Interaction, interaction_contacts
from app.visits.rules import DEFAULT_RULES

SUMMARIES = ("信息科反馈门诊挂号高峰期系统较慢，约定下周优化。", "与院长沟通了移动护理上线计划，态度积极。",
             "例行回访，系统运行稳定，护士站打印机已调试。", "了解到明年预算包含电子病历评级改造。",
             "财务科催问发票，已安排寄送。", "节日问候，赠送公司台历。", "检验科希望 LIS 对接新生化仪。")
GIFTS = (("公司台历", 60), ("茶叶礼盒", 300), ("中秋月饼", 200), ("鲜花", 150))
TOUCH_EVERY = {"A": 12, "B": 25, "C": 45, "D": 90, None: 60}  # days between touches, by value grade
METHODS = (Method.PHONE, Method.ONSITE, Method.WECHAT, Method.MEETING)
METHOD_WEIGHTS = (5, 3, 2, 1)
PURPOSES = tuple(Purpose)
# From very satisfied to dissatisfied, mostly content: nobody logs a disaster for a demo, and a team whose visits
# left one client in four dissatisfied would see half its archive on the churn-risk list.
SATISFACTION, SATISFACTION_WEIGHTS = tuple(Satisfaction)[:4], (40, 45, 12, 3)
EXTRA_SERVICES = tuple(s.value for s in ExtraService)
LOGGED = time(10)  # written up at 18:00 Chongqing time on the day of the visit (stored times are UTC)


def _seed_rules(bulk: Bulk, at: datetime, admin_id: int) -> None:
    """The migration adds the default rules; an emptied database (the tests) gets them back."""
    if db.session.scalar(select(func.count(CadenceRule.id))):
        return
    for rule in DEFAULT_RULES:
        bulk.add(CadenceRule, dimension=GradeDimension(rule.dimension), value=rule.value,
                 channel=Channel(rule.channel), interval_days=rule.interval_days, **record_stamps(at, admin_id))


def _seed_history(bulk: Bulk, rng: random.Random, client_id: int, owner_id: int, grade,
                  contact_ids: list[int], service_id: int, today: date) -> None:
    """About two years of touches at the client's pace, a few planned ones ahead; some clients fall behind."""
    step = TOUCH_EVERY[grade.value if grade else None]
    stale = rng.random() < .3  # these stopped being visited a while ago: the overdue list is not empty
    day = today - timedelta(days=730 - rng.randint(0, step))
    last = today - timedelta(days=rng.randint(40, 200) if stale else rng.randint(0, step))
    while day <= last:
        method = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        by_service = rng.random() < .2
        by = service_id if by_service else owner_id
        gift = rng.choice(GIFTS) if rng.random() < .08 else None
        on_site = method in (Method.ONSITE, Method.MEETING)
        purpose = Purpose.AFTER_SALES if by_service else Purpose.FESTIVAL if gift else rng.choice(PURPOSES)
        extras = rng.sample(EXTRA_SERVICES, rng.randint(1, 2)) if by_service and on_site and rng.random() < .5 else []
        interaction_id = bulk.add(
            Interaction, client_id=client_id, user_id=by, method=method, purpose=purpose,
            status=InteractionStatus.DONE, planned_at=None,
            done_at=datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))),
            duration_minutes=rng.choice((30, 45, 60, 90, 120)) if on_site else None,
            summary=rng.choice(SUMMARIES), satisfaction=rng.choices(SATISFACTION, SATISFACTION_WEIGHTS)[0],
            extra_services=extras,
            gift=gift[0] if gift else "", gift_cost=Decimal(gift[1]) if gift else None,
            **record_stamps(datetime.combine(day, LOGGED), by))
        for contact_id in rng.sample(contact_ids, min(len(contact_ids), rng.randint(0, 2))):
            bulk.add(interaction_contacts, interaction_id=interaction_id, contact_id=contact_id)
        day += timedelta(days=max(1, int(step * rng.uniform(.6, 1.4))))
    if not stale and rng.random() < .5:
        when = datetime.combine(today + timedelta(days=rng.randint(0, 14)), time(rng.choice((9, 10, 14, 15)), 0))
        bulk.add(Interaction, client_id=client_id, user_id=owner_id, method=Method.ONSITE, purpose=Purpose.ROUTINE,
                 status=InteractionStatus.PLANNED, planned_at=when, done_at=None, extra_services=[],
                 agenda="例行回访，了解系统使用情况和新需求",
                 **record_stamps(datetime.combine(today - timedelta(days=rng.randint(1, 10)), LOGGED), owner_id))


@demo_seeder(order=30)
def seed_visits(demo) -> dict[str, int]:
    rng, today = demo.rng("visits"), demo.today
    contacts: dict[int, list[int]] = defaultdict(list)
    for client_id, contact_id in db.session.execute(
            select(Contact.client_id, Contact.id).where(Contact.deleted_at.is_(None))
            .order_by(Contact.client_id, Contact.id)):
        contacts[client_id].append(contact_id)
    clients = db.session.execute(select(Client.id, Client.owner_id, Client.value_grade)
                                 .where(Client.deleted_at.is_(None)).order_by(Client.id)).all()
    service_id = demo.users["service1"].id
    with Bulk(CadenceRule, Interaction, interaction_contacts) as bulk:
        _seed_rules(bulk, datetime.combine(today - timedelta(days=800), time(1)), demo.users["admin"].id)
        for client_id, owner_id, grade in clients:
            _seed_history(bulk, rng, client_id, owner_id, grade, contacts[client_id], service_id, today)
    counts = {"interactions": bulk.counts["interactions"], "visit contacts": bulk.counts["interaction_contacts"]}

    cadence.refresh(db.session.connection())  # the visits went in with Core: no flush hook kept it current
    return counts
