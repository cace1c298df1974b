"""Targets (目标) per KPI, period and scope; the review of a period (复盘) on a page and as a PDF (seed 003 表4)."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from app.core.access import MANAGERS
from app.core.clock import local_today
from app.core.forms import VersionedFormMixin, form_status, save_edit, strip, submitted
from app.core.htmx import render, saved
from app.core.models import User
from app.core.paging import page_number, paginate
from app.core.pdf import pdf_response, render_pdf
from app.core.scoping import get_or_404, role_required, visible
from app.dashboard import bp
from app.dashboard.kpis import catalogue
from app.dashboard.picker import picker, read_choice
from app.dashboard.targets import (
    REVIEWERS,
    PeriodKind,
    Review,
    find_review,
    new_review,
    period_label,
    period_text,
    save_review,
    save_targets,
    scorecard,
    stored_target,
    targets_of,
    typed_target,
)
from app.extensions import db

UNITS = {"count": _l("count"), "rate": "%", "money": _l("yuan"), "score": _l("points, −100 to +100"),
         "mean": _l("points, 1 to 5")}


# --- Targets --------------------------------------------------------------------------------------------------

class TargetField(StringField):
    """A KPI's target as typed (a rate in percent); ``value`` is what is stored, the error by the field."""

    def __init__(self, label=None, unit: str = "count", **kwargs):
        super().__init__(label, filters=[strip], **kwargs)
        self.unit, self.value = unit, None

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.value = stored_target(self.unit, self.data)


def targets_form(kpis, stored: dict):
    class TargetsForm(FlaskForm):
        pass

    for kpi in kpis:
        setattr(TargetsForm, f"target_{kpi.key}", TargetField(kpi.label, unit=kpi.unit, description=kpi.definition))
    return TargetsForm(data={f"target_{kpi.key}": typed_target(kpi.unit, stored.get(kpi.key)) for kpi in kpis})


@bp.route("/dashboard/targets", methods=["GET", "POST"])
@role_required(*MANAGERS)
def targets():
    choice = read_choice(request.args, current_user)
    if choice.error:
        return render("dashboard/targets.html", form=None, kpis=[], units=UNITS, status=400, **picker(choice))
    kpis = catalogue()
    form = targets_form(kpis, targets_of(choice.period, choice.rep_id))
    if form.validate_on_submit():
        save_targets(choice.period, choice.rep_id, {kpi.key: form[f"target_{kpi.key}"].value for kpi in kpis})
        return saved(url_for("dashboard.targets", **choice.args), _("Targets saved."))
    return render("dashboard/targets.html", form=form, kpis=kpis, units=UNITS, period_name=period_label(choice.period),
                  status=form_status(form), **picker(choice))


# --- Reviews --------------------------------------------------------------------------------------------------

class ReviewFields:
    """The review as its form reads it: the summary and, per KPI, ``variance_<key>`` and ``measures_<key>``."""

    def __init__(self, review: Review):
        self._review = review

    def __getattr__(self, name):
        part, _sep, key = name.partition("_")
        if part in ("variance", "measures") and key:
            return self._review.line(key, part)
        return getattr(self._review, name)


def review_form(review: Review):
    class ReviewForm(VersionedFormMixin, FlaskForm):
        summary = TextAreaField(_l("Review summary"), validators=[Length(max=8000)], filters=[strip])

    names = ["summary"]
    for kpi in catalogue():
        for part, label in (("variance", _("Variance analysis")), ("measures", _("Improvement measures"))):
            setattr(ReviewForm, f"{part}_{kpi.key}", TextAreaField(f"{kpi.label} · {label}", filters=[strip],
                                                                  validators=[Length(max=2000)]))
            names.append(f"{part}_{kpi.key}")
    ReviewForm.data_fields = names
    return ReviewForm(obj=ReviewFields(review))


def scope_name(review: Review) -> str:
    if review.rep_id is None:
        return _("Whole team")
    return (review.rep or db.session.get(User, review.rep_id)).display_name  # a new review has no rep loaded


@bp.get("/dashboard/reviews")
@role_required(*REVIEWERS)
def reviews():
    kind = PeriodKind._value2member_map_.get(request.args.get("kind") or "")
    stmt = visible(select(Review), Review, current_user).options(selectinload(Review.rep))
    if kind:
        stmt = stmt.where(Review.period_kind == kind)
    stmt = stmt.order_by(Review.period_start.desc(), Review.period_kind, Review.rep_id.is_not(None), Review.id)
    page = paginate(stmt, page_number(), current_app.config["PAGE_SIZE"])
    return render("dashboard/reviews.html", page=page, kind=kind, scope_name=scope_name, period_label=period_label,
                  **picker(read_choice({"kind": kind or "month"}, current_user)))


@bp.route("/dashboard/reviews/new", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def review_new():
    choice = read_choice(request.args, current_user)
    if choice.error:
        return render("dashboard/reviews.html", page=None, kind=None, status=400, **picker(choice))
    existing = find_review(choice.period, choice.rep_id)
    if existing is not None:
        return redirect(url_for("dashboard.review", review_id=existing.id))
    review = new_review(choice.period, choice.rep_id)
    try:
        return _review_page(review)
    except IntegrityError:  # someone else opened the same review meanwhile: theirs is the one
        db.session.rollback()
        flash(_("A review of this period and scope was just created by someone else: here it is."), "info")
        return redirect(url_for("dashboard.review", review_id=find_review(choice.period, choice.rep_id).id))


@bp.route("/dashboard/reviews/<int:review_id>", methods=["GET", "POST"])
@role_required(*REVIEWERS)
def review(review_id: int):
    return _review_page(get_or_404(Review, review_id))


def _review_page(review: Review):
    form, fields = review_form(review), ReviewFields(review)
    if submitted(form, fields) and save_edit(form, fields, lambda data: save_review(review, data)):
        return saved(url_for("dashboard.review", review_id=review.id), _("Review saved."))
    return render("dashboard/review.html", review=review, form=form, conflict=form.conflict,
                  lines=scorecard(review.period, review.rep_id), period_name=period_label(review.period),
                  previous_name=period_label(review.period.previous()), scope=scope_name(review),
                  status=form_status(form))


@bp.get("/dashboard/reviews/<int:review_id>.pdf")
@role_required(*REVIEWERS)
def review_pdf(review_id: int):
    review = get_or_404(Review, review_id)
    period_name, scope = period_label(review.period), scope_name(review)
    pdf = render_pdf("dashboard/review_print.html", review=review, lines=scorecard(review.period, review.rep_id),
                     period_name=period_name, previous_name=period_label(review.period.previous()), scope=scope,
                     printed_on=local_today())
    return pdf_response(pdf, f"{_('Review')}-{scope}-{period_text(review.period)}.pdf")
