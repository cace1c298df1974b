"""The complaints' part of `seed-demo`: complaints in every state of the loop with their timelines (some overdue,
a few resolved late or closed unhappy), satisfaction surveys with an NPS spread (a few answered through the
client's link), the call-backs booked after recent closes, and two lost clients with churn records (one won
back). About 8 % of clients have a complaint and 30 % a survey.

Plain rows in bulk (core.demo.Bulk). Numbers run per year in the order received, and the counters are set to the
highest number used, so the next complaint received in the app numbers on. The due times are computed here from
the default clocks (24 h first response, 4 h when urgent; a plan within 3 days for complex issues; resolution by
severity) in calendar time: the demo stays fast and needs no working calendar."""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from app.archive.enums import Lifecycle
from app.archive.models import Client, Contact
from app.complaints import confirmation, sla
from app.complaints.churn import ChurnRecord
from app.complaints.enums import (
    ChurnOutcome,
    ChurnReason,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    EventKind,
    Severity,
)
from app.complaints.followup import CALL_BACK_AFTER_DAYS, CALL_BACK_AT
from app.complaints.models import Complaint, ComplaintEvent, Survey
from app.core import links
from app.core.demo import Bulk, record_stamps
from app.core.plugins import demo_seeder
from app.core.sequences import Counter
from app.core.workdays import add_working_days
from app.extensions import db
from app.visits import cadence
from app.visits.enums import InteractionStatus, Method, Purpose, Satisfaction
from app.visits.models import Interaction

S = ComplaintStatus
COMPLAINT_SHARE, SURVEY_SHARE = .08, .30
STATES = (S.ACCEPTED, S.ANALYSING, S.RESOLVING, S.FEEDBACK, S.CLOSED)
STATE_WEIGHTS = (8, 10, 12, 12, 58)
SEVERITY_WEIGHTS = {Severity.ORDINARY: 6, Severity.COMPLEX: 3, Severity.URGENT: 1}
NO_OVERRIDES: dict = {}  # a new installation's calendar: the package's holidays and make-up days
# (category, title, description, root cause, solution, what the client is told)
CASES = (
    (ComplaintCategory.DEFECT, "门诊挂号高峰期 HIS 响应缓慢",
     "早上8点到10点门诊挂号收费窗口每笔操作要等十几秒，病人排长队，门诊部主任很有意见。",
     "挂号表缺少索引，月底结算报表与挂号抢占数据库资源。",
     "补建索引，结算报表改到夜间跑批，并扩容数据库内存。",
     "已优化系统性能，高峰期挂号恢复到2秒以内。"),
    (ComplaintCategory.DEFECT, "LIS 检验结果无法回传到医生站",
     "生化仪出的结果在 LIS 里有，但医生工作站看不到，临床科室打电话催。",
     "LIS 与 HIS 接口服务在升级后未自动重启，消息队列积压。",
     "重启接口服务并加上守护进程，补传积压的三百多条结果。",
     "检验结果已恢复实时回传，积压结果已补传。"),
    (ComplaintCategory.DEFECT, "PACS 影像调阅卡顿",
     "放射科反映调阅 CT 影像要等半分钟以上，阅片效率很低。",
     "影像存储服务器磁盘阵列一块硬盘故障，降级运行。",
     "更换故障硬盘并重建阵列，增加磁盘健康监控。",
     "影像调阅已恢复正常速度。"),
    (ComplaintCategory.HARDWARE, "护士站条码打印机打印错位",
     "住院部护士站打印的腕带条码错位，扫码枪扫不出来。",
     "打印机驱动被系统更新覆盖，纸张尺寸设置丢失。",
     "重装斑马打印机驱动，锁定纸张模板，培训护士长校准方法。",
     "打印机已重新调试，腕带条码打印正常。"),
    (ComplaintCategory.HARDWARE, "自助挂号机频繁死机",
     "门诊大厅两台自助机每天死机好几次，患者投诉多。",
     "自助机工控主板散热不良，夏季机柜温度过高。",
     "清灰并加装散热风扇，更换一块老化主板。",
     "自助机已检修，运行稳定。"),
    (ComplaintCategory.IMPLEMENTATION, "医保结算接口对接延期",
     "新医保平台切换时间快到了，接口还没联调完，财务科很着急。",
     "医保局接口文档版本变化，实施排期没有及时调整。",
     "增派实施工程师驻场，三天内完成联调并通过医保验收。",
     "医保接口已联调完成并通过验收。"),
    (ComplaintCategory.IMPLEMENTATION, "移动护理上线培训不到位",
     "移动护理上线后护士不会用，还在纸上记录，护理部要求重新培训。",
     "培训只安排了一次，夜班护士没有参加。",
     "分批次补充培训，覆盖夜班，并提供操作手册和视频。",
     "已完成全院护士补充培训。"),
    (ComplaintCategory.SERVICE, "报修电话无人接听",
     "周末信息科打售后电话三次都没人接，系统故障拖到周一才处理。",
     "周末值班表未同步到呼叫转移，值班手机关机。",
     "完善周末值班制度，呼叫转移到值班组，增加微信报修渠道。",
     "已建立周末值班和微信报修，保证及时响应。"),
    (ComplaintCategory.SERVICE, "网络中断影响住院收费",
     "住院楼交换机故障，住院收费中断两个小时。",
     "核心交换机电源模块老化损坏，无冗余电源。",
     "更换电源模块，增加冗余电源，并梳理网络拓扑。",
     "网络已恢复，并增加了冗余保障。"),
    (ComplaintCategory.ATTITUDE, "工程师现场服务态度差",
     "信息科主任反映上次来的工程师说话不耐烦，问题没解决就走了。",
     "工程师同时负责多家医院，时间安排过紧，沟通不到位。",
     "更换驻点工程师，主管上门致歉，回访确认问题已解决。",
     "已更换服务工程师并上门沟通。"),
    (ComplaintCategory.PRICE, "年度运维服务费上涨有异议",
     "财务科认为今年运维费涨得太多，要求说明收费依据。",
     "新增模块纳入运维范围，报价时没有逐项解释。",
     "提供分项报价明细，给予老客户折扣，续签三年运维。",
     "已说明收费明细并达成一致。"),
    (ComplaintCategory.DEFECT, "电子病历打印格式错乱",
     "病案室打印出院病历时页眉页脚错位，病案归档被退回。",
     "病历模板升级后打印控件版本不一致。",
     "统一全院打印控件版本，修正模板边距。",
     "病历打印格式已修复。"),
)
ROOT_NOTES = ("已远程登录查看日志，初步定位问题。", "已电话联系信息科主任，约定明天上午到现场。",
              "问题已上报研发部，等待补丁。", "已向部门主管汇报，安排资深工程师跟进。")
CONFIRMERS = ("信息科主任", "院办主任", "设备科科长", "护士长", "信息科工程师")
SATISFACTION_WEIGHTS = {Satisfaction.VERY_SATISFIED: 30, Satisfaction.SATISFIED: 45, Satisfaction.NEUTRAL: 13,
                        Satisfaction.DISSATISFIED: 9, Satisfaction.VERY_DISSATISFIED: 3}
NPS_WEIGHTS = (1, 1, 1, 2, 2, 3, 4, 9, 14, 18, 14)  # 0–10: about 45 % promoters, 30 % passives, 25 % detractors
SURVEY_COMMENTS = ("系统整体稳定，希望响应再快一些。", "工程师服务很好，推荐给兄弟医院。", "价格偏高，功能还可以。",
                   "上线培训不够，护士用得不熟。", "", "", "总体满意，希望多组织技术交流。")
CHURN = (
    (ChurnReason.COMPETITOR, "卫宁健康", "新院区建设后整体换成竞争对手的一体化平台，我方仅保留体检系统。",
     "新院区项目跟进太晚，高层关系只维护到信息科层面，没有及早与院长沟通。",
     "保持体检系统的优质服务，每季度拜访院长，争取在二期项目中重新进入。", ChurnOutcome.PENDING),
    (ChurnReason.SERVICE, "", "连续两次故障处理超时，院方暂停续签运维合同。",
     "驻点工程师频繁更换，故障响应超过承诺时限，投诉后没有及时回访。",
     "主管带队上门致歉，派固定工程师驻点一个月，免费提供一次系统巡检。", ChurnOutcome.WON_BACK),
)


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 10, 20, 30, 40, 50))))


def _complaint(rng: random.Random, today: date, client, contact_id, status: S, staff: dict) -> tuple[dict, list]:
    """One complaint's row (without its number) and its timeline events as (at, kind, from, to, text, by)."""
    category, title, description, root_cause, solution, summary = rng.choice(CASES)
    severity = rng.choices(tuple(SEVERITY_WEIGHTS), tuple(SEVERITY_WEIGHTS.values()))[0]
    closed = status is S.CLOSED
    received = min(_at(today - timedelta(days=rng.randint(8, 360) if closed else rng.randint(0, 20)), rng),
                   datetime.combine(today, time(8)))  # nothing happened after this morning
    owner = staff["service"] if rng.random() < .8 else client.owner_id or staff["service"]
    row = {"client_id": client.id, "contact_id": contact_id, "received_at": received, "status": status,
           "channel": rng.choice(tuple(ComplaintChannel)), "received_by_id": staff["service"], "category": category,
           "severity": severity, "title": title, "description": description, "owner_id": owner,
           **sla.due_times(received, sla.DEFAULT_POLICY[severity.value], 0, NO_OVERRIDES)}
    events = [(received, EventKind.CREATED, None, S.ACCEPTED, description, staff["service"])]
    at, previous = received, S.ACCEPTED
    late = rng.random() < .15  # a few take longer than promised: the SLA breaches churn risk reads
    for step in STATES[1:STATES.index(status) + 1]:
        if step is S.ANALYSING:
            at += timedelta(minutes=rng.randint(20, 600))
            row["responded_at"] = at
            events.append((at, EventKind.CLIENT_CONTACT, None, None, rng.choice(ROOT_NOTES), owner))
        elif step is S.RESOLVING:
            at += timedelta(hours=rng.randint(4, 60))
            row["plan_at"] = at
        elif step is S.FEEDBACK:
            promised = row["resolution_due_at"] - received
            at += (promised * rng.uniform(1.1, 2)) if late else timedelta(hours=rng.randint(4, 72))
            row["resolved_at"] = at
            row["resolution_summary"] = summary
        else:
            at += timedelta(hours=rng.randint(2, 48))
            row.update(closed_at=at, root_cause=root_cause, solution=solution, confirmed_by=rng.choice(CONFIRMERS),
                       satisfaction=rng.choices(tuple(SATISFACTION_WEIGHTS), tuple(SATISFACTION_WEIGHTS.values()))[0])
        at = min(at, datetime.combine(today, time(8)))
        events.append((at, EventKind.STATUS, previous, step, "", owner))
        previous = step
    if status is S.FEEDBACK:
        row["paused_since"] = row["resolved_at"]  # the clocks stop while the client is asked to confirm
    return row, events


def _seed_complaints(bulk: Bulk, rng: random.Random, demo, clients, contacts, staff) -> list[dict]:
    count = max(len(STATES), round(demo.clients * COMPLAINT_SHARE))
    drafts = []
    for n in range(count):
        status = STATES[n] if n < len(STATES) else rng.choices(STATES, STATE_WEIGHTS)[0]  # every state shows
        client = rng.choice(clients)
        drafts.append(_complaint(rng, demo.today, client, (contacts.get(client.id) or [None])[0], status, staff))
    drafts.sort(key=lambda draft: draft[0]["received_at"])
    numbers: dict[int, int] = {}
    rows = []
    for row, events in drafts:
        year = row["received_at"].year
        numbers[year] = numbers.get(year, 0) + 1
        stamps = record_stamps(row["received_at"], staff["service"])
        complaint_id = bulk.add(Complaint, number=f"TS-{year}-{numbers[year]:04d}", **row, **stamps)
        for at, kind, from_status, to_status, text, by in events:
            bulk.add(ComplaintEvent, complaint_id=complaint_id, at=at, kind=kind, from_status=from_status,
                     to_status=to_status, text=text, user_id=by)
        rows.append({**row, "id": complaint_id, "number": f"TS-{year}-{numbers[year]:04d}"})
    for year, last in numbers.items():  # the next complaint received in the app numbers on from here
        db.session.merge(Counter(key=f"TS-{year}", value=last))
    return rows


def _book_call_backs(bulk: Bulk, today: date, complaints: list[dict]) -> None:
    """What complaints.followup.after_close would have booked for closes of the last few days."""
    for row in complaints:
        closed = row.get("closed_at")
        if closed is None or (today - closed.date()).days > 2 * CALL_BACK_AFTER_DAYS:
            continue
        call = add_working_days(datetime.combine(closed.date(), CALL_BACK_AT), CALL_BACK_AFTER_DAYS, NO_OVERRIDES)
        if call.date() < today:
            continue
        bulk.add(Interaction, client_id=row["client_id"], user_id=row["owner_id"], method=Method.PHONE,
                 purpose=Purpose.AFTER_SALES, status=InteractionStatus.PLANNED, extra_services=[], planned_at=call,
                 agenda=f"满意度回访：投诉 {row['number']} {row['title']}", **record_stamps(closed, row["owner_id"]))


def _seed_surveys(bulk: Bulk, rng: random.Random, demo, clients, contacts) -> None:
    for client in rng.sample(clients, round(len(clients) * SURVEY_SHARE)):
        nps = rng.choices(range(11), NPS_WEIGHTS)[0]
        answered = _at(demo.today - timedelta(days=rng.randint(0, 360)), rng)
        by_link = rng.random() < .15  # the client answered through the signed link
        recorded_by = None if by_link else client.owner_id
        mood = 1 + nps * 4 / 10  # the 1–5 scores follow the NPS, give or take one
        scores = {name: min(5, max(1, round(mood + rng.uniform(-1, 1))))
                  for name in ("product_quality", "service_response", "value_for_money", "cooperation")}
        bulk.add(Survey, client_id=client.id, contact_id=(contacts.get(client.id) or [None])[0], answered_at=answered,
                 nps=nps, comment=rng.choice(SURVEY_COMMENTS), recorded_by_id=recorded_by, **scores,
                 **record_stamps(answered, recorded_by))


def _seed_churn(bulk: Bulk, demo, clients) -> list[int]:
    """Two lost clients with their churn records: one still being won back, one won back (a customer again)."""
    lost = [client for client in clients if client.status == Lifecycle.LOST][:len(CHURN)]
    lost += [client for client in clients if client not in lost][:len(CHURN) - len(lost)]
    manager = demo.users["manager"].id
    for n, (client, (reason, competitor, details, review, plan, outcome)) in enumerate(zip(lost, CHURN, strict=False)):
        lost_on = demo.today - timedelta(days=120 + 60 * n)
        won = outcome is ChurnOutcome.WON_BACK
        bulk.add(ChurnRecord, client_id=client.id, lost_on=lost_on, reason=reason, competitor=competitor,
                 details=details, self_review=review, win_back_plan=plan, outcome=outcome,
                 outcome_on=lost_on + timedelta(days=75) if won else None,
                 **record_stamps(datetime.combine(lost_on, time(9)), manager))
        status = Lifecycle.CUSTOMER if won else Lifecycle.LOST
        db.session.execute(update(Client).where(Client.id == client.id).values(status=status))
    return [client.id for client in lost]


@demo_seeder(order=40)
def seed_complaints(demo) -> dict[str, int]:
    rng = demo.rng("complaints")
    clients = db.session.execute(select(Client.id, Client.owner_id, Client.status)
                                 .where(Client.deleted_at.is_(None)).order_by(Client.id)).all()
    if not clients:
        return {}
    contacts: dict[int, list[int]] = {}
    for client_id, contact_id in db.session.execute(select(Contact.client_id, Contact.id)
                                                    .where(Contact.deleted_at.is_(None))
                                                    .order_by(Contact.client_id, Contact.id)):
        contacts.setdefault(client_id, []).append(contact_id)
    staff = {"service": demo.users["service1"].id}
    with Bulk(Complaint, ComplaintEvent, Survey, ChurnRecord, Interaction) as bulk:
        complaints = _seed_complaints(bulk, rng, demo, clients, contacts, staff)
        _book_call_backs(bulk, demo.today, complaints)
        _seed_surveys(bulk, rng, demo, clients, contacts)
        changed = _seed_churn(bulk, demo, clients)
    for complaint in complaints:  # those awaiting the client have the link and QR code to show
        if complaint["status"] is S.FEEDBACK:
            links.issue(confirmation.PURPOSE, complaint["id"], complaint["client_id"], None)
    cadence.refresh(db.session.connection(), changed)  # a lost client has no return-visit clock
    return {"complaints": bulk.counts["complaints"], "complaint events": bulk.counts["complaint_events"],
            "surveys": bulk.counts["surveys"], "churn records": bulk.counts["churn_records"]}
