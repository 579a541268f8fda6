from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.attachment import AttachmentController

# the records a client writes in from the portal's chatter
PORTAL_THREAD_MODELS = ("service.request", "service.order")


class FsmPortalAttachmentController(AttachmentController):
    """A file a client sends through the chatter of their request or order is
    held to the request form's rule (photos and PDF, the desk's size limit):
    a refused one is answered with the chatter's own error message, and
    nothing is stored."""

    @http.route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        if thread_model in PORTAL_THREAD_MODELS and not request.env.user._is_internal():
            content = ufile.read()
            ufile.seek(0)
            error = request.env["service.request"]._fsm_portal_check_file(ufile.filename, content)
            if error:
                return request.make_json_response({"error": error})
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
