"""Enums that carry their own translated label, so a template never spells a label twice."""
from enum import StrEnum


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
    def choices(cls) -> list[tuple[str, object]]:
        """(value, lazy label) pairs: translated when a form renders, not when a module is imported."""
        return [(m.value, m._label) for m in cls]
