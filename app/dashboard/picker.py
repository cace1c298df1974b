"""The period and scope a dashboard, targets or review page is about, as its GET form (the picker) names them."""
from dataclasses import dataclass

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from app.archive.queries import owner_choices
from app.core.access import MANAGERS, Role, has_role
from app.core.clock import local_today
from app.core.forms import whole_number
from app.dashboard.kpis import Period
from app.dashboard.targets import PeriodKind, parse_period, period_of, period_text
from app.extensions import db


@dataclass
class Choice:
    """The period and scope a page is about, as typed in its picker (kept when wrong, with the message)."""

    kind: str
    typed: str
    rep: str  # "" for the whole team
    period: Period | None
    rep_id: int | None
    error: str = ""

    @property
    def args(self) -> dict:
        return {"kind": self.kind, "period": self.typed, "rep": self.rep}


def read_choice(args, user) -> Choice:
    """The picker's kind, period and scope (default: this month, the team; a rep's own scope for a rep). A rep
    naming anyone else's scope gets 404, like a record they may not see; who sees every client picks any rep."""
    kind = args.get("kind") if args.get("kind") in PeriodKind._value2member_map_ else "month"
    typed = (args.get("period") or period_text(period_of(kind, local_today()))).strip()
    rep = (args.get("rep") or "").strip()
    if user.role == Role.SALES:
        if rep not in ("", str(user.id)):
            abort(404)
        rep = str(user.id)
    rep_id = whole_number(rep) if rep else None
    period = parse_period(kind, typed) or _converted(kind, typed)
    typed = period_text(period) if period else typed
    error = "" if period else _("Write the period as 2026-11 (month), 2026-Q4 (quarter) or 2026 (year).")
    if rep and (rep_id is None or (has_role(user, MANAGERS) and rep_id not in dict(rep_choices()))):
        error = _("Choose the whole team or one of the sales reps offered.")
    return Choice(kind, typed, rep, period, rep_id, error)


def _converted(kind: str, typed: str) -> Period | None:
    """A period typed for another kind (2026-11 with the kind switched to quarter) becomes the one of ``kind``
    it falls in, so switching the kind alone does not answer with an error."""
    other = next(filter(None, (parse_period(name, typed) for name in PeriodKind._value2member_map_)), None)
    return period_of(kind, other.start) if other else None


def rep_choices() -> list[tuple[int, str]]:
    return [(user.id, user.display_name) for user in db.session.scalars(owner_choices())]


def picker(choice: Choice) -> dict:
    """What templates/dashboard/targets_picker.html needs."""
    return {"choice": choice, "kinds": PeriodKind.choices(), "reps": rep_choices(),
            "may_pick_rep": has_role(current_user, MANAGERS)}
