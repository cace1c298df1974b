"""Demo targets and a review (复盘): the team's targets for this month, last month and this quarter, sales1's for
this month, and last month's review, so the dashboard shows achievement and change from the first login."""
from decimal import Decimal

from app.core.plugins import demo_seeder
from app.dashboard.targets import new_review, period_of, save_review, save_targets


def _targets(clients: int, months: int) -> dict[str, Decimal]:
    """Targets a team of this size can reach in ``months``: counts and amounts scale, rates do not."""
    return {"new_clients": Decimal(max(1, clients // 100) * months), "deal_conversion": Decimal("0.35"),
            "average_contract_value": Decimal("80000"), "repurchase": Decimal("0.30"),
            "collected_vs_due": Decimal("0.90"), "nps": Decimal("30"), "retention": Decimal("0.95"),
            "average_contribution": Decimal(3000 * months), "referral_rate": Decimal("0.10"),
            "visits_on_schedule": Decimal("0.80"), "deep_share": Decimal("0.20"), "sla_compliance": Decimal("0.90"),
            "satisfaction": Decimal("4.2")}


@demo_seeder(order=90)
def seed_targets(demo) -> dict[str, int]:
    month = period_of("month", demo.today)
    last_month = month.previous()
    periods = ((month, 1), (last_month, 1), (period_of("quarter", demo.today), 3))
    for period, months in periods:
        save_targets(period, None, _targets(demo.clients, months))
    sales1 = demo.users["sales1"]
    save_targets(month, sales1.id, _targets(demo.clients // max(1, len(demo.users) - 3), 1))
    save_review(new_review(last_month, None), {
        "summary": "回访按期率未达标，主要集中在两位新同事的客户；回款节奏好于上月。",
        "variance_visits_on_schedule": "新接手客户较多，交接后首次回访未及时排期。",
        "measures_visits_on_schedule": "每周一按逾期回访清单排定本周拜访，主管周五检查。",
        "variance_collected_vs_due": "两笔验收款因客户财务流程延后。",
        "measures_collected_vs_due": "提前两周与客户财务确认付款流程和所需单据。"})
    return {"targets": len(_targets(1, 1)) * (len(periods) + 1), "reviews": 1}


