"""Records for tests, built with factory_boy on the real session."""
import itertools

import factory
from werkzeug.security import generate_password_hash

from app.archive.models import Client, Contact
from app.archive.rules import normalise_name
from app.core.models import Role, User
from app.extensions import db

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


def make_user(role, username=None, **kwargs) -> User:
    role = Role(role)
    return UserFactory(role=role, username=username or f"{role.value}{next(_seq)}", **kwargs)
