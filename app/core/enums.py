"""Enums that carry their own translated label, so a template never spells a label twice."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l  # noqa: F401  (re-exported for the enums' modules)


class LabeledEnum(StrEnum):
    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
