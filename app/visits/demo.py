"""The visits' part of `seed-demo`: the default cadence rules and about two years of touches per client at its
grade's pace, some planned visits ahead, and some clients left stale so the overdue list is not empty."""
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.archive.models import Client, Contact
from app.core.models import User
from app.core.plugins import demo_seeder
from app.extensions import db
from app.visits.enums import Channel, GradeDimension, InteractionStatus, Method, Purpose, Satisfaction
from app.visits.models import CadenceRule, Interaction
from app.visits.rules import DEFAULT_RULES

SUMMARIES = ("信息科反馈门诊挂号高峰期系统较慢，约定下周优化。", "与院长沟通了移动护理上线计划，态度积极。",
             "例行回访，系统运行稳定，护士站打印机已调试。", "了解到明年预算包含电子病历评级改造。",
             "财务科催问发票，已安排寄送。", "节日问候，赠送公司台历。", "检验科希望 LIS 对接新生化仪。")
GIFTS = (("公司台历", 60), ("茶叶礼盒", 300), ("中秋月饼", 200), ("鲜花", 150))
TOUCH_EVERY = {"A": 12, "B": 25, "C": 45, "D": 90, None: 60}  # days between touches, by value grade


def _seed_history(rng: random.Random, client: Client, contacts: list[Contact], owner: User, service: User,
                  today) -> int:
    """About two years of touches at the client's pace, a few planned ones ahead; some clients fall behind."""
    step = TOUCH_EVERY[client.value_grade.value if client.value_grade else None]
    stale = rng.random() < .3  # these stopped being visited a while ago: the overdue list is not empty
    day = today - timedelta(days=730 - rng.randint(0, step))
    last = today - timedelta(days=rng.randint(40, 200) if stale else rng.randint(0, step))
    count = 0
    while day <= last:
        method = rng.choices((Method.PHONE, Method.ONSITE, Method.WECHAT, Method.MEETING), weights=(5, 3, 2, 1))[0]
        by = service if rng.random() < .2 else owner
        gift = rng.choice(GIFTS) if rng.random() < .08 else None
        visit = Interaction(client_id=client.id, user_id=by.id, method=method, status=InteractionStatus.DONE,
                            purpose=Purpose.AFTER_SALES if by is service else rng.choice(list(Purpose)),
                            done_at=datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45)))),
                            summary=rng.choice(SUMMARIES), satisfaction=rng.choice(list(Satisfaction)[:4]),
                            gift=gift[0] if gift else "", gift_cost=Decimal(gift[1]) if gift else None)
        visit.contacts = rng.sample(contacts, min(len(contacts), rng.randint(0, 2)))
        db.session.add(visit)
        count += 1
        day += timedelta(days=max(1, int(step * rng.uniform(.6, 1.4))))
    if not stale and rng.random() < .5:
        when = datetime.combine(today + timedelta(days=rng.randint(0, 14)), time(rng.choice((9, 10, 14, 15)), 0))
        db.session.add(Interaction(client_id=client.id, user_id=owner.id, method=Method.ONSITE,
                                   purpose=Purpose.ROUTINE, status=InteractionStatus.PLANNED, planned_at=when,
                                   agenda="例行回访，了解系统使用情况和新需求"))
        count += 1
    return count



@demo_seeder(order=30)
def seed_visits(demo) -> dict[str, int]:
    rng = demo.rng("visits")
    if not db.session.scalar(select(func.count(CadenceRule.id))):
        db.session.add_all(CadenceRule(dimension=GradeDimension(r.dimension), value=r.value, channel=Channel(r.channel),
                                       interval_days=r.interval_days) for r in DEFAULT_RULES)
    owners = {u.id: u for u in demo.users.values()}
    clients = db.session.execute(select(Client).options(selectinload(Client.contacts)).order_by(Client.id)).scalars()
    for client in clients:
        owner = owners.get(client.owner_id) or db.session.get(User, client.owner_id)
        _seed_history(rng, client, list(client.contacts), owner, demo.users["service1"], demo.today)
    db.session.flush()
    return {"interactions": db.session.scalar(select(func.count(Interaction.id)))}
