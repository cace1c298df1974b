"""A small per-process cache for what is costly to build and read again and again unchanged (a calendar feed
that a phone polls every few minutes), dropped as soon as any worker commits a change.

Every commit that wrote to the audit trail, which every change to the product's records does, moves a stamp
kept as a file's modification time in the instance folder, so all workers on the machine see it with one
``stat``. A value is cached under its own key plus that stamp: a change anywhere makes every cached value old.
Work done outside the audit trail (seeding, restoring a backup) moves the stamp itself with ``changed()``."""
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from threading import Lock

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

STAMP_FILE = "data-changed"
MAX_ENTRIES = 64  # a few dozen users' feeds


def _stamp_path(instance: str | Path | None = None) -> Path:
    return Path(instance or current_app.instance_path) / STAMP_FILE


def changed(instance: str | Path | None = None) -> None:
    """Say that the data changed: every cached value is rebuilt on its next use (by the app of ``instance``,
    the current app's by default)."""
    path = _stamp_path(instance)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    now = time.time_ns()  # set explicitly: the file system's own clock ticks too coarsely to tell commits apart
    os.utime(path, ns=(now, now))


def stamp() -> int:
    try:
        return _stamp_path().stat().st_mtime_ns
    except FileNotFoundError:
        return 0


class Cache:
    """The most recently used values, each under (key, stamp when it was made): at most ``size`` of them and, when
    ``weigh`` tells a value's size in bytes, at most ``budget`` bytes in all. A value that grows with the archive
    (a rep's calendar feed, a ranking of every client) is weighed, so what a worker keeps stays bounded however
    large the data grows; one larger than the whole budget is served but not kept."""

    def __init__(self, size: int = MAX_ENTRIES, *, budget: int | None = None,
                 weigh: Callable[[object], int] | None = None):
        if (budget is None) != (weigh is None):
            raise ValueError("a byte budget needs a way to weigh the values, and the other way round")
        self.size, self.budget, self.weigh = size, budget, weigh
        self._values, self._weights, self._lock, self._stamp = OrderedDict(), {}, Lock(), None

    @property
    def held(self) -> int:
        """The bytes held, by the values' own weights (0 when they are not weighed)."""
        return sum(self._weights.values())

    def get(self, key: Hashable, make: Callable[[], object]):
        now = stamp()  # read before making: a change committed meanwhile is seen by the next use
        full_key = (key, now)
        with self._lock:
            if now != self._stamp:  # the data changed: nothing kept so far can be served again, so keep none of it
                self._values.clear()
                self._weights.clear()
                self._stamp = now
            if full_key in self._values:
                self._values.move_to_end(full_key)
                return self._values[full_key]
        value = make()
        weight = self.weigh(value) if self.weigh else 0
        if self.budget is not None and weight > self.budget:
            return value
        with self._lock:
            self._values[full_key] = value
            self._weights[full_key] = weight
            while len(self._values) > self.size or (self.budget is not None and self.held > self.budget):
                oldest, _value = self._values.popitem(last=False)
                self._weights.pop(oldest, None)
        return value


def wrote(session: Session) -> None:
    """Called by the audit trail when a flush wrote to it: the stamp moves once the transaction commits."""
    session.info["data_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.info.pop("data_changed", False) and has_app_context():
        changed()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop("data_changed", None)
