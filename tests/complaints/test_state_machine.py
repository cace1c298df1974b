"""The loop 受理 → 分析 → 解决 → 反馈 → 关闭 with reopen: the rules as plain functions, and the service that
refuses an illegal step or a close without its fields with a message saying what is wrong, saving nothing."""
import pytest

from app.complaints import rules
from app.complaints.enums import ComplaintStatus as S
from app.complaints.enums import EventKind
from app.complaints.services import change_status, create_complaint
from app.core.errors import Refused
from app.visits.enums import Satisfaction
from tests.factories import ClientFactory, make_user

LOOP = [S.ANALYSING, S.RESOLVING, S.FEEDBACK]
CLOSING = {"root_cause": "接口超时设置过短", "solution": "调整超时并加重试",
           "satisfaction": Satisfaction.SATISFIED, "confirmed_by": "信息科王主任"}


def test_each_state_offers_only_its_next_steps():
    assert rules.next_states(S.ACCEPTED) == (S.ANALYSING,)
    assert rules.next_states(S.FEEDBACK) == (S.CLOSED, S.RESOLVING)
    assert rules.allowed(S.CLOSED, S.RESOLVING)  # reopen
    assert not rules.allowed(S.ACCEPTED, S.CLOSED)
    assert not rules.allowed(S.ANALYSING, S.FEEDBACK)
    assert not rules.allowed(S.RESOLVING, S.CLOSED)


def test_closing_names_every_missing_field_in_form_order():
    assert rules.missing_for_closing({"solution": "加索引"}) == ["root_cause", "satisfaction", "confirmed_by"]
    assert rules.missing_for_closing(CLOSING) == []


@pytest.fixture
def complaint(app, db):
    """A received complaint, in a request as the messages are read (in Chinese)."""
    with app.test_request_context():
        yield _received()


def _received():
    engineer = make_user("service")
    return create_complaint(ClientFactory(), {"title": "PACS 影像调阅慢"}, engineer)


@pytest.mark.parametrize("target", [S.RESOLVING, S.FEEDBACK, S.CLOSED, S.ACCEPTED])
def test_an_illegal_step_is_refused_with_the_possible_steps(complaint, target):
    with pytest.raises(Refused) as refused:
        change_status(complaint, target, complaint.received_by)
    assert "受理" in refused.value.message and "分析" in refused.value.message  # now, and what may follow
    assert complaint.status is S.ACCEPTED and len(complaint.events) == 1


def test_closing_without_its_fields_is_refused_naming_them(complaint):
    for target in LOOP:
        change_status(complaint, target, complaint.received_by)
    with pytest.raises(Refused) as refused:
        change_status(complaint, S.CLOSED, complaint.received_by, data={"root_cause": "配置错误"})
    assert all(name in refused.value.message for name in ("解决方案", "客户满意度", "确认人"))
    assert complaint.status is S.FEEDBACK and complaint.root_cause == ""


def test_the_whole_loop_and_a_reopen_are_on_the_timeline(complaint):
    user = complaint.received_by
    for target in LOOP:
        change_status(complaint, target, user, note=f"到{target.label}")
    change_status(complaint, S.CLOSED, user, data=CLOSING)
    assert complaint.closed_at is not None and complaint.satisfaction.value == "4"
    change_status(complaint, S.RESOLVING, user, note="客户反映问题复现")
    assert (complaint.status, complaint.reopen_count, complaint.closed_at) == (S.RESOLVING, 1, None)
    moves = [(e.from_status, e.to_status) for e in complaint.events if e.kind is EventKind.STATUS]
    assert set(moves) == {(S.ACCEPTED, S.ANALYSING), (S.ANALYSING, S.RESOLVING), (S.RESOLVING, S.FEEDBACK),
                          (S.FEEDBACK, S.CLOSED), (S.CLOSED, S.RESOLVING)}
