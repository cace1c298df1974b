"""Photos and scans on the client page: upload (also from the tablet camera), serve, move to the recycle bin."""
from flask import abort, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.archive import bp
from app.archive.access import EDITORS, UPLOADERS
from app.archive.attachments import UploadRefused, file_path, human_size, is_previewable, save_upload
from app.archive.forms import AttachmentForm
from app.archive.models import Attachment, Client
from app.archive.overview import client_page
from app.core.forms import form_status
from app.core.htmx import render, saved
from app.core.scoping import get_or_404, role_required

bp.add_app_template_filter(human_size, "filesize")
bp.add_app_template_test(is_previewable, "previewable")


def _client_attachment(client_id: int, attachment_id: int) -> Attachment:
    attachment = get_or_404(Attachment, attachment_id)
    if attachment.client_id != client_id:
        abort(404)
    return attachment


def _attachments_section(client: Client, form: AttachmentForm):
    # htmx gets the block alone; a plain POST that failed gets the whole client page around the form.
    context = client_page(client, current_user) | {"attachment_form": form}
    return render("archive/detail.html", block="attachments", status=form_status(form), **context)


@bp.post("/<int:client_id>/attachments")
@role_required(*UPLOADERS)
def attachment_add(client_id: int):
    client = get_or_404(Client, client_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attachment = save_upload(client, form.file.data, form.caption.data, current_user)
        except UploadRefused as refused:
            refused.show_on(form)
        else:
            return saved(url_for("archive.detail", client_id=client.id, _anchor="attachments"),
                         _("%(name)s uploaded.", name=attachment.filename),
                         fragment=lambda: _attachments_section(client, AttachmentForm(formdata=None)))
    return _attachments_section(client, form)


@bp.get("/<int:client_id>/attachments/<int:attachment_id>")
@login_required
def attachment_file(client_id: int, attachment_id: int):
    attachment = _client_attachment(client_id, attachment_id)
    path = file_path(attachment)
    if not path.is_file():
        abort(404)
    # Only photos show in the page; anything else (a PDF may carry JavaScript) downloads, and whatever it is it
    # runs sandboxed, never as this site.
    response = send_file(path, mimetype=attachment.content_type, download_name=attachment.filename,
                         as_attachment=not is_previewable(attachment))
    response.headers["Content-Security-Policy"] = "sandbox"
    response.cache_control.private = True  # with send_file's no-cache + ETag: access is checked on every view
    return response


@bp.post("/<int:client_id>/attachments/<int:attachment_id>/delete")
@role_required(*EDITORS)
def attachment_delete(client_id: int, attachment_id: int):
    attachment = _client_attachment(client_id, attachment_id)
    attachment.soft_delete(current_user)
    return saved(url_for("archive.detail", client_id=client_id, _anchor="attachments"),
                 _("%(name)s moved to the recycle bin.", name=attachment.filename))
