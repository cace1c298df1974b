"""Users (admin) and the recycle bin (admin, manager)."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin.access import BIN_KEEPERS, USER_ADMINS
from app.admin.forms import ResetPasswordForm, UserCreateForm, UserEditForm
from app.admin.services import deleted_records, recyclable_model, update_user
from app.core.audit import referenced_names
from app.core.errors import Refused
from app.core.forms import form_status, save_edit, submitted
from app.core.htmx import render, saved
from app.core.models import AuditEvent, User
from app.core.scoping import get_or_404, role_required
from app.core.users import create_user
from app.extensions import db

admin_only = role_required(*USER_ADMINS)


@bp.get("/users")
@admin_only
def users():
    rows = db.session.execute(select(User).order_by(User.active.desc(), User.username)).scalars().all()
    return render("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def user_new():
    form = UserCreateForm()
    if form.validate_on_submit():
        user = create_user(form.username.data, form.display_name.data, form.role.data, form.new_password.data,
                           form.locale.data)
        return saved(url_for("admin.users"), _("User %(name)s created.", name=user.username))
    return render("admin/user_new.html", form=form, status=form_status(form))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_only
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    if submitted(form, user):
        try:
            if save_edit(form, user, lambda data: update_user(user, data, current_user)):
                return saved(url_for("admin.users"))
        except Refused as refused:
            refused.show_on(form)
    return _user_page(user, form, ResetPasswordForm(formdata=None), form_status(form), conflict=form.conflict)


@bp.post("/users/<int:user_id>/password")
@admin_only
def user_password(user_id: int):
    user = db.get_or_404(User, user_id)
    password_form = ResetPasswordForm()
    if password_form.validate_on_submit():
        user.set_password(password_form.new_password.data)
        return saved(url_for("admin.users"), _("Password of %(name)s reset.", name=user.username))
    return _user_page(user, UserEditForm(obj=user, formdata=None), password_form, 422)


def _user_page(user, form, password_form, status, **context):
    events = db.session.execute(AuditEvent.for_record(user).limit(50)).scalars().all()
    return render("admin/user_edit.html", user=user, form=form, password_form=password_form, events=events,
                  model=User, names=referenced_names(User, events), status=status, **context)


@bp.get("/recycle-bin")
@role_required(*BIN_KEEPERS)
def recycle_bin():
    return render("admin/recycle_bin.html", bins=deleted_records(current_user))


@bp.post("/recycle-bin/<entity>/<int:record_id>/restore")
@role_required(*BIN_KEEPERS)
def restore(entity: str, record_id: int):
    model = recyclable_model(entity) or abort(404)
    record = get_or_404(model, record_id, deleted=True)
    try:
        record.restore()
    except Refused as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.recycle_bin"))
    return saved(url_for("admin.recycle_bin"), _("%(name)s restored.", name=str(record)))
