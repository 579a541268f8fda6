from odoo import models


class ServiceClientNotifyMixin(models.AbstractModel):
    """Tell the client by email and text message, from a template of each.

    Shared by service orders (technician on the way) and service requests
    (registered, planned, closed), and meant for the modules that follow
    (contract renewals, portal). The recipient is the record's contact, or the
    client when there is none; an email goes when they have an address, a text
    message when they have a phone number that reads as a valid number. The
    context key ``fsm_skip_client_notification`` silences both (demo data,
    imports, tests)."""

    _name = "service.client.notify.mixin"
    _description = "Client notifications by email and text message"

    def _fsm_client_recipient(self):
        self.ensure_one()
        return self.contact_id or self.partner_id

    def _fsm_notify_client(self, mail_template_xmlid, sms_template_xmlid=None, **post_values):
        """``post_values`` go to the email's message_post (attachment_ids, say)."""
        if self.env.context.get("fsm_skip_client_notification"):
            return
        template = self.env.ref(mail_template_xmlid, raise_if_not_found=False)
        sms_template = (
            self.env.ref(sms_template_xmlid, raise_if_not_found=False)
            if sms_template_xmlid
            else None
        )
        for record in self:
            recipient = record._fsm_client_recipient()
            if not recipient:
                continue
            if template and recipient.email:
                record.message_post_with_source(
                    template,
                    subtype_xmlid="mail.mt_comment",
                    message_type="comment",
                    partner_ids=recipient.ids,
                    email_layout_xmlid="mail.mail_notification_light",
                    **post_values,
                )
            if sms_template and recipient.phone_sanitized:
                record._message_sms_with_template(
                    template=sms_template, partner_ids=recipient.ids, put_in_queue=True
                )
