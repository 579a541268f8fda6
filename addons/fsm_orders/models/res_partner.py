import logging
import time
from urllib.parse import urlencode

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _inherit = "res.partner"

    is_service_client = fields.Boolean(
        "Service client",
        copy=False,
        help="Listed in Field Service's Clients. Set by itself when the firm takes an order, "
        "a machine or a request for this partner; set or clear it by hand.",
    )
    service_order_ids = fields.One2many(
        "service.order", "commercial_partner_id", string="Service orders (client)"
    )
    service_order_count = fields.Integer(compute="_compute_fsm_counts", string="Service orders")
    service_equipment_ids = fields.One2many(
        "service.equipment", "commercial_partner_id", string="Equipment"
    )
    service_equipment_count = fields.Integer(
        compute="_compute_fsm_counts", string="Equipment count"
    )
    service_site_count = fields.Integer(compute="_compute_fsm_counts", string="Sites")
    service_document_count = fields.Integer(compute="_compute_fsm_counts", string="Documents")
    service_warning_ids = fields.One2many("service.warning", "partner_id", "Service warnings")
    fsm_technician_user_ids = fields.Many2many(
        "res.users",
        "service_client_technician_rel",
        "partner_id",
        "user_id",
        string="Served by",
        compute="_compute_fsm_technician_user_ids",
        store=True,
        help="Users of the technicians who have or had an order of this client: the record "
        "rules let them read the client's orders and machines.",
    )
    fsm_geo_pending = fields.Boolean(
        "Waiting for geolocation",
        copy=False,
        index=True,
        help="The site's address changed: a scheduled job looks up its coordinates.",
    )

    @api.depends("service_order_ids.technician_user_id")
    def _compute_fsm_technician_user_ids(self):
        """One grouped query for all the clients computed (archived orders count:
        their technician served the client)."""
        served = dict(
            self.env["service.order"]
            .with_context(active_test=False)
            ._read_group(
                [("commercial_partner_id", "in", self.ids), ("technician_user_id", "!=", False)],
                ["commercial_partner_id"],
                ["technician_user_id:array_agg_distinct"],
            )
        )
        for partner in self:
            partner.fsm_technician_user_ids = [Command.set(served.get(partner, []))]

    def _compute_fsm_counts(self):
        """Orders, machines and their files per client, in three grouped queries
        for the whole recordset (a client list shows them without one search
        per row)."""
        ids_by_model = self._fsm_client_record_ids()
        owner = {
            (model, res_id): client
            for model, by_client in ids_by_model.items()
            for client, ids in by_client.items()
            for res_id in ids
        }
        document_counts = {}
        if owner:
            for model, res_id, count in self.env["ir.attachment"]._read_group(
                self._fsm_documents_domain(ids_by_model), ["res_model", "res_id"], ["__count"]
            ):
                client = owner[(model, res_id)]
                document_counts[client] = document_counts.get(client, 0) + count
        orders, machines = ids_by_model["service.order"], ids_by_model["service.equipment"]
        for partner in self:
            client = partner.commercial_partner_id
            partner.service_order_count = len(orders.get(client, []))
            partner.service_equipment_count = len(machines.get(client, []))
            partner.service_site_count = len(client.child_ids.filtered(lambda p: p.type == "other"))
            partner.service_document_count = document_counts.get(client, 0)

    def _fsm_client_record_ids(self):
        """{model: {client: [ids]}} of the clients' orders and machines."""
        clients = self.commercial_partner_id.filtered("id")
        result = {"service.order": {}, "service.equipment": {}}
        for model, by_client in result.items():
            if clients:
                by_client.update(
                    self.env[model]._read_group(
                        [("commercial_partner_id", "in", clients.ids)],
                        ["commercial_partner_id"],
                        ["id:array_agg"],
                    )
                )
        return result

    def _fsm_documents_domain(self, ids_by_model=None):
        """Files of the clients' orders and machines (the Documents button and
        its count share it)."""
        ids_by_model = ids_by_model or self._fsm_client_record_ids()
        return Domain.OR(
            Domain("res_model", "=", model)
            & Domain("res_id", "in", [res_id for ids in by_client.values() for res_id in ids])
            for model, by_client in ids_by_model.items()
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_fsm_records(self):
        """A client, contact or site of service orders, or a machine's owner or
        site, is archived, not deleted: deleting it would leave orders without
        their client (the database refuses, in its own words)."""
        ids = self.ids
        order = (
            self.env["service.order"].sudo().with_context(active_test=False).search(
                ["|", "|", ("partner_id", "in", ids), ("location_id", "in", ids),
                 ("contact_id", "in", ids)], limit=1,
            )
        )  # fmt: skip
        machine = (
            self.env["service.equipment"]
            .sudo()
            .with_context(active_test=False)
            .search(["|", ("partner_id", "in", ids), ("location_id", "in", ids)], limit=1)
        )
        used = (
            order.partner_id | order.location_id | order.contact_id
            | machine.partner_id | machine.location_id
        ) & self  # fmt: skip
        if used:
            raise UserError(
                self.env._(
                    "%s has service orders or machines: archive it instead of deleting it.",
                    used[:1].display_name,
                )
            )

    def _fsm_mark_as_clients(self):
        """The commercial partners of ``self`` become service clients: called
        when an order, a machine, a request (or, in later addons, a contract)
        is recorded for them, so that Clients lists the partners the firm
        serves and not every contact. Cleared only by hand."""
        clients = self.commercial_partner_id.filtered(lambda p: not p.is_service_client)
        # sudo: bookkeeping implied by the record the user was allowed to create
        clients.sudo().write({"is_service_client": True})

    # ------------------------------------------------------------------
    # sites
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._fsm_sites()._fsm_ensure_geolocation()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if {"street", "zip", "city", "country_id", "type", "parent_id"} & set(vals):
            self._fsm_sites()._fsm_ensure_geolocation()
        return res

    def _fsm_sites(self):
        """Partners used as work sites: a client's "Other address" entries."""
        return self.filtered(lambda p: p.type == "other" and p.parent_id)

    def _fsm_one_line_address(self):
        if not self:
            return False
        self.ensure_one()
        parts = [self.street, self.street2, " ".join(filter(None, [self.zip, self.city]))]
        return ", ".join(p for p in parts if p) or False

    def _fsm_directions_url(self):
        """Google Maps directions to this address: no API key is needed."""
        if not self:
            return False
        self.ensure_one()
        destination = self._fsm_directions_place()
        if not destination:
            return False
        return "https://www.google.com/maps/dir/?" + urlencode(
            {"api": "1", "destination": destination}
        )

    def _fsm_directions_place(self):
        """This address as a place of a Google Maps link: its coordinates,
        else its street, zip, city and country; False without either."""
        self.ensure_one()
        if self.partner_latitude or self.partner_longitude:
            return f"{self.partner_latitude:.6f},{self.partner_longitude:.6f}"
        address = ", ".join(
            p for p in [self.street, self.zip, self.city, self.country_id.name] if p
        )
        return address or False

    def _fsm_ensure_geolocation(self):
        """Queue sites that have an address but no coordinates for geolocation.

        Saving never waits for the geocoder: the site is marked and the
        scheduled job "Field Service: geolocate sites" is triggered to run
        right after the transaction (see ``_cron_fsm_geolocate_sites``).
        """
        todo = self.filtered(
            lambda p: (
                not (p.partner_latitude or p.partner_longitude)
                and (p.city or p.zip)
                and not p.fsm_geo_pending
            )
        )
        if not todo:
            return
        todo.sudo().write({"fsm_geo_pending": True})
        cron = self.env.ref("fsm_orders.ir_cron_fsm_geolocate_sites", raise_if_not_found=False)
        if cron:
            cron.sudo()._trigger()

    @api.model
    def _cron_fsm_geolocate_sites(self, batch_size=50):
        """Look up the coordinates of queued sites with base_geolocalize's
        provider (OpenStreetMap by default, changeable in Settings).

        One site at a time, at most one request a second (OpenStreetMap's
        usage policy). A site the provider cannot find, or a provider that
        is down, leaves the site without coordinates and off the queue: it
        is located again when its address changes, or by hand. Like
        base_geolocalize, nothing is looked up while tests run unless
        ``force_geo_localize`` is in the context."""
        sites = self.search([("fsm_geo_pending", "=", True)], limit=batch_size)
        in_cron = bool(self.env.context.get("cron_id"))
        for index, site in enumerate(sites):
            if site.partner_latitude or site.partner_longitude:  # located by hand meanwhile
                site.fsm_geo_pending = False
                continue
            if index:
                time.sleep(self._fsm_geocoder_pause)
            try:
                with self.env.cr.savepoint():
                    # False when base_geolocalize skipped the look-up (tests, imports)
                    looked_up = site.geo_localize()
            except Exception as exc:  # noqa: BLE001 — one bad address must not stop the queue
                _logger.warning("Geolocation of %s failed: %s", site.display_name, exc)
                looked_up = True
            if looked_up and not (site.partner_latitude or site.partner_longitude):
                site.message_post(
                    body=self.env._(
                        "The geolocation service found no coordinates for this address. "
                        "Check the address, or set the coordinates by hand: until then the "
                        "technicians' directions use the address."
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            site.fsm_geo_pending = False
            if in_cron:
                self.env["ir.cron"]._commit_progress(1)
        if in_cron:
            self.env["ir.cron"]._commit_progress(
                remaining=self.search_count([("fsm_geo_pending", "=", True)])
            )
        return sites

    _fsm_geocoder_pause = 1.0  # seconds between two look-ups

    # ------------------------------------------------------------------
    # buttons
    # ------------------------------------------------------------------
    def action_view_service_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("fsm_orders.action_service_order")
        client = self.commercial_partner_id
        action["domain"] = [("commercial_partner_id", "=", client.id)]
        action["context"] = {
            "default_partner_id": client.id,
            "search_default_filter_my_teams": False,
        }
        return action

    def action_view_service_equipment(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "fsm_orders.action_service_equipment"
        )
        client = self.commercial_partner_id
        action["domain"] = [("commercial_partner_id", "=", client.id)]
        action["context"] = {"default_partner_id": client.id}
        return action

    def action_view_service_documents(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Service documents of %s", self.commercial_partner_id.name),
            "res_model": "ir.attachment",
            "view_mode": "kanban,list,form",
            "domain": list(self._fsm_documents_domain()),
            "context": {"create": False},
        }
