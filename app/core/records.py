"""Writing plain data onto records, with one rule for empty values, so no service invents its own."""
from enum import Enum

from app.extensions import db


def stored_value(column, value):
    """What an empty value (None or "") becomes in ``column``: NULL where the column allows it, else the
    column's default ("" for text). An enum column never gets "" (that would corrupt the row)."""
    if isinstance(value, Enum) or value not in (None, ""):
        return value
    if column.nullable:
        return None
    default = column.default
    return default.arg if default is not None and default.is_scalar else value


def apply(record, data: dict) -> None:
    """Copy every key of ``data`` that is a column of the record onto it, through the empty-value rule."""
    columns = type(record).__table__.c
    for name, value in data.items():
        if name in columns and name != "id":
            setattr(record, name, stored_value(columns[name], value))


def save_record(record, data: dict):
    apply(record, data)
    db.session.add(record)
    db.session.flush()
    return record
