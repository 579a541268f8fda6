from odoo import api, models, tools


class FsmPortalFieldAccess(models.AbstractModel):
    """What a client's portal user may read of a record, field by field.

    The record rules give a portal user the records of their own client; this
    mixin narrows what they read of them to ``PORTAL_READABLE_FIELDS`` and
    refuses every write, for any caller: the portal pages (which render the
    checked record with ``sudo``) and a browser calling the ORM itself
    (``/web/dataset/call_kw``) alike, so an internal note is never one RPC
    away. As ``project.task``'s ``_portal_accessible_fields``: one set behind
    a property, extended by the addons that show more::

        @property
        def PORTAL_READABLE_FIELDS(self):
            return super().PORTAL_READABLE_FIELDS | {"contract_id"}
    """

    _name = "fsm.portal.field.access"
    _description = "Client portal: readable fields"

    @property
    def PORTAL_READABLE_FIELDS(self):
        return {"id", "display_name", "company_id", "create_date", "write_date"}

    @api.model
    @tools.ormcache(cache="stable")
    def _portal_readable_fields(self):
        return frozenset(self.PORTAL_READABLE_FIELDS)

    def _has_field_access(self, field, operation):
        if not super()._has_field_access(field, operation):
            return False
        if not self.env.su and self.env.user._is_portal():
            return operation == "read" and field.name in self._portal_readable_fields()
        return True
