from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import BadRequest

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from app.auth.services import authenticate, lock_for
from app.core.forms import form_status
from app.core.navigation import safe_next
from app.extensions import db


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("dashboard.today"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.today"))
    form = LoginForm()
    status = None
    if form.validate_on_submit():
        ip = request.remote_addr or ""
        if until := lock_for(form.username.data, ip):
            form.username.errors.append(_("Too many failed sign-ins. Try again after %(time)s.",
                                          time=format_datetime(until, "HH:mm")))
            status = 429
        elif user := authenticate(form.username.data, form.password.data, ip):
            login_user(user, remember=form.remember.data)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        else:
            db.session.commit()
            form.password.errors.append(_("Wrong username or password, or the account is deactivated."))
            status = 401
    return render_template("auth/login.html", form=form, language_form=LanguageForm(
        lang=session.get("lang", "zh_CN"))), status or form_status(form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()  # also clears the remember-me cookie
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/logout-everywhere")
@login_required
def logout_everywhere():
    """Every device signed in as this user, remembered or not, is signed out (a lost tablet, a shared PC)."""
    current_user.sign_out_everywhere()
    db.session.commit()
    logout_user()
    flash(_("You have been signed out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.post("/language")
def language():
    form = LanguageForm()
    if not form.validate_on_submit():
        raise BadRequest()
    if current_user.is_authenticated:
        current_user.locale = form.lang.data
        db.session.commit()
    session["lang"] = form.lang.data
    return redirect(_safe_next(request.form.get("next")))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current_password.data):
            current_user.set_password(form.new_password.data)  # signs out every other device
            db.session.commit()
            login_user(current_user._get_current_object(), remember=bool(request.cookies.get("remember_token")))
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.today"))
        form.current_password.errors.append(_("The current password is wrong."))
    return render_template("auth/password.html", form=form), form_status(form)
