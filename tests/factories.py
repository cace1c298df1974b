"""Records for tests, built with factory_boy on the real session."""
import itertools
from datetime import timedelta

import factory
from werkzeug.security import generate_password_hash

from app.archive.enums import AssetKind, ProductCategory, SpecialDateKind
from app.archive.models import Asset, Client, Contact, Product, SpecialDate
from app.archive.rules import normalise_name
from app.core.clock import local_now
from app.core.models import Role, User
from app.extensions import db
from app.visits.enums import Channel, GradeDimension, InteractionStatus, Method
from app.visits.models import CadenceRule, Interaction

PASSWORD = "correct-horse-9"
_HASH = generate_password_hash(PASSWORD)  # one scrypt run for the whole suite
_seq = itertools.count(1)


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    role = Role.SALES
    password_hash = _HASH
    locale = "zh_CN"


class ClientFactory(BaseFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"重庆市第{n}人民医院")
    name_key = factory.LazyAttribute(lambda client: normalise_name(client.name))
    short_name = factory.Sequence(lambda n: f"渝{n}院")
    notes = ""


class ContactFactory(BaseFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "信息科主任"
    phone = "13800000000"


class SpecialDateFactory(BaseFactory):
    """A birthday on 8 March; give ``contact_id`` for a person's date, or ``kind="org_event"`` and a ``label``."""

    class Meta:
        model = SpecialDate

    kind = SpecialDateKind.BIRTHDAY
    month = 3
    day = 8


class ProductFactory(BaseFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"模块{n}")
    category = ProductCategory.MODULE


class AssetFactory(BaseFactory):
    class Meta:
        model = Asset

    kind = AssetKind.HARDWARE
    name = factory.Sequence(lambda n: f"服务器{n}")


def _this_minute():
    return local_now().replace(second=0, microsecond=0)


class InteractionFactory(BaseFactory):
    """A phone call done this minute (on KEYUAN_TODAY when a test pins it), like a quick log; ``planned=True``
    makes it an on-site visit planned for tomorrow instead. Give ``client_id`` and ``user_id``."""

    class Meta:
        model = Interaction

    class Params:
        planned = factory.Trait(
            status=InteractionStatus.PLANNED, method=Method.ONSITE, done_at=None,
            planned_at=factory.LazyFunction(lambda: _this_minute() + timedelta(days=1)))

    method = Method.PHONE
    status = InteractionStatus.DONE
    done_at = factory.LazyFunction(_this_minute)
    summary = factory.Sequence(lambda n: f"回访记录{n}")


class CadenceRuleFactory(BaseFactory):
    """Grade A clients called every 14 days."""

    class Meta:
        model = CadenceRule

    dimension = GradeDimension.VALUE_GRADE
    value = "A"
    channel = Channel.PHONE
    interval_days = 14


def make_user(role, username=None, **kwargs) -> User:
    role = Role(role)
    return UserFactory(role=role, username=username or f"{role.value}{next(_seq)}", **kwargs)


def signed_contract(client, owner, amount: str, signed_on, *milestones, title: str = "HIS"):
    """A contract signed on ``signed_on`` with final-payment milestones given as (due date, amount) pairs."""
    from decimal import Decimal

    from app.deals.contracts import create_contract
    from app.deals.enums import MilestoneKind
    return create_contract(client, {"title": title, "signed_on": signed_on, "amount": Decimal(amount), "lines": [],
                                    "milestones": [{"kind": MilestoneKind.FINAL, "due_on": due,
                                                    "amount": Decimal(part)} for due, part in milestones]}, owner)


def closed_deal(client, owner, stage, on):
    """A deal won or lost on ``on``."""
    from app.deals.services import create_deal
    deal = create_deal(client, {"title": "升级", "next_action": "约主任", "next_date": on}, owner)
    deal.stage, deal.closed_on = stage, on
    return deal
