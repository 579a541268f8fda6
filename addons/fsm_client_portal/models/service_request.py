from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import plaintext2html
from odoo.tools.mimetypes import guess_mimetype

# what a client may attach to a request: photos and documents, recognised from
# the bytes themselves (never from the name or the browser's word)
PORTAL_UPLOAD_MIMETYPES = frozenset(
    {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}
)
PORTAL_MAX_FILES = 10
TITLE_MAX_LENGTH = 200
DESCRIPTION_MAX_LENGTH = 10000


class ServiceRequest(models.Model):
    """A request the client files and follows in the portal: through its link
    (``portal.mixin``), its messages with the desk (``_mail_post_access``
    *read*: whoever may read it may write in it), and the guided form
    (``_fsm_portal_create``)."""

    _name = "service.request"
    _inherit = ["service.request", "portal.mixin", "fsm.portal.field.access"]
    _mail_post_access = "read"

    # the link's token lets its bearer read the request as the client
    access_token = fields.Char(groups="fsm_orders.group_fsm_coordinator")
    is_warranty_claim = fields.Boolean(
        "Warranty claimed",
        readonly=True,
        copy=False,
        help="The client claims warranty for a machine out of warranty in our records; "
        "their proof of purchase is attached.",
    )
    counter_reading_ids = fields.One2many(
        "service.equipment.counter.reading", "request_id", "Counter readings", readonly=True
    )

    @property
    def PORTAL_READABLE_FIELDS(self):
        return super().PORTAL_READABLE_FIELDS | {
            "name",
            "title",
            "description",
            "state",
            "priority",
            "type_id",
            "channel",
            "partner_id",
            "commercial_partner_id",
            "contact_id",
            "location_id",
            "equipment_id",
            "date_registered",
            "deadline",  # in the model's _order: searching needs it
            "date_closed",
            "is_warranty",
            "is_warranty_claim",
            "order_ids",
            "access_url",
        }

    def _compute_access_url(self):
        for service_request in self:
            service_request.access_url = f"/my/service-requests/{service_request.id}"

    def _portal_ensure_token(self):
        """As the order's: minting a link needs write access on the request."""
        self.check_access("write")
        return super(ServiceRequest, self.sudo())._portal_ensure_token()

    # ------------------------------------------------------------------
    # timeline
    # ------------------------------------------------------------------
    def _portal_current_order(self):
        """The order the client follows: the first one still to do, else the
        last one done, else none."""
        self.ensure_one()
        orders = self.sudo().order_ids.filtered(lambda o: o.active)
        open_orders = orders.filtered(lambda o: o.state not in ("done", "cancelled"))
        if open_orders:
            return open_orders.sorted(lambda o: (o.scheduled_start or o.create_date, o.id))[0]
        done = orders.filtered(lambda o: o.state == "done")
        return done.sorted(lambda o: (o.date_finished or o.write_date, o.id))[-1:] if done else done

    def _portal_timeline(self, partner=None):
        """The request's steps: its registration, then its current order's
        (``service.order._portal_timeline``); a closed request is done."""
        self.ensure_one()
        request_sudo = self.sudo()
        steps = self._portal_current_order()._portal_timeline(partner)
        steps[0]["date"] = request_sudo.date_registered
        if request_sudo.state == "closed":
            for step in steps:
                step["done"] = True
                step["current"] = False
            steps[-1]["current"] = True
            steps[-1]["date"] = steps[-1]["date"] or request_sudo.date_closed
        if request_sudo.state == "cancelled":
            for step in steps:
                step["current"] = False
        return steps

    @api.model
    def _portal_list_domain(self, filterby="open"):
        """The domains of the client's request list filters."""
        return {
            "open": [("state", "in", ("new", "open", "in_progress"))],
            "closed": [("state", "in", ("closed", "cancelled"))],
            "all": [],
        }.get(filterby, [])

    # ------------------------------------------------------------------
    # the guided form
    # ------------------------------------------------------------------
    @api.model
    def _fsm_portal_options(self):
        """What the form offers the logged-in contact: their client's sites,
        machines (read as the user: the record rules decide) and the request
        types published to the portal."""
        client = self.env.user.partner_id.commercial_partner_id
        sites = (
            self.env["res.partner"]
            .sudo()
            .search([("commercial_partner_id", "=", client.id), ("type", "=", "other")])
            ._fsm_sites()
        )
        machines = self.env["service.equipment"].search(
            [("commercial_partner_id", "=", client.id)], order="location_id, name"
        )
        types = self.env["service.request.type"].search([("portal_published", "=", True)])
        return {"client": client, "sites": sites, "machines": machines.sudo(), "types": types}

    @api.model
    def _fsm_portal_upload_limit(self):
        """Bytes per file: the desk's own limit."""
        return int(self._fsm_max_attachment_mb() * 1024 * 1024)

    @api.model
    def _fsm_portal_check_file(self, name, content):
        """The error for one uploaded file, or an empty string."""
        limit = self._fsm_portal_upload_limit()
        if not content:
            return self.env._("%s is empty.", name)
        if len(content) > limit:
            return self.env._(
                "%(name)s is too large: the limit is %(limit)s MB per file.",
                name=name,
                limit=f"{self._fsm_max_attachment_mb():g}",
            )
        if guess_mimetype(content) not in PORTAL_UPLOAD_MIMETYPES:
            return self.env._("%s is not a photo (JPEG, PNG, WebP, GIF) or a PDF document.", name)
        return ""

    @api.model
    def _fsm_portal_check(self, values, files=(), proof=None):
        """Check the form as the logged-in contact may fill it: every id must
        be one the form offered them (a site or machine typed into the POST
        that is not their client's is refused like a wrong one). Returns the
        errors by field and, when there are none, what to create."""
        env = self.env
        options = self._fsm_portal_options()
        errors = {}

        def _id(key):
            try:
                return int(values.get(key) or 0)
            except (TypeError, ValueError):
                return -1

        title = (values.get("title") or "").strip()
        if not title:
            errors["title"] = env._("Say in a few words what is wrong or what you need.")
        elif len(title) > TITLE_MAX_LENGTH:
            errors["title"] = env._("Keep the subject under %s characters.", TITLE_MAX_LENGTH)
        description = (values.get("description") or "").strip()
        if len(description) > DESCRIPTION_MAX_LENGTH:
            errors["description"] = env._(
                "The description is too long (%s characters at most).", DESCRIPTION_MAX_LENGTH
            )
        request_type = options["types"].filtered(lambda t: t.id == _id("type_id"))
        if not request_type:
            errors["type_id"] = env._("Choose the kind of request.")
        machine = options["machines"].filtered(lambda m: m.id == _id("equipment_id"))
        if _id("equipment_id") and not machine:
            errors["equipment_id"] = env._("Choose one of your machines.")
        site = options["sites"].filtered(lambda s: s.id == _id("location_id"))
        if _id("location_id") and not site:
            errors["location_id"] = env._("Choose one of your sites.")
        if machine and not site:
            site = machine.location_id
        elif machine and site and machine.location_id and machine.location_id != site:
            errors["equipment_id"] = env._(
                "%(machine)s is at %(site)s: choose that site or another machine.",
                machine=machine.display_name,
                site=machine.location_id.display_name,
            )

        uploads = []
        files = [f for f in files if getattr(f, "filename", None)]
        if len(files) > PORTAL_MAX_FILES:
            errors["attachments"] = env._("Attach at most %s files.", PORTAL_MAX_FILES)
        else:
            messages = []
            for upload in files:
                content = upload.read()
                if error := self._fsm_portal_check_file(upload.filename, content):
                    messages.append(error)
                uploads.append((upload.filename, content))
            if messages:
                errors["attachments"] = " ".join(messages)

        claim = (
            bool(values.get("warranty_claim") and machine) and machine.warranty_state != "active"
        )
        if claim:
            content = proof.read() if proof and getattr(proof, "filename", None) else b""
            if not content:
                errors["proof"] = env._(
                    "Attach your proof of purchase (invoice or receipt) to claim warranty."
                )
            elif error := self._fsm_portal_check_file(proof.filename, content):
                errors["proof"] = error
            else:
                uploads.append((env._("Proof of purchase - %s", proof.filename), content))

        readings = []
        if machine and request_type.portal_ask_counter:
            for counter in machine.counter_ids:
                raw = (values.get(f"counter_{counter.id}") or "").strip().replace(",", ".")
                key = f"counter_{counter.id}"
                try:
                    value = float(raw)
                except ValueError:
                    errors[key] = env._(
                        "Read %s off the machine and type the number.", counter.name
                    )
                    continue
                if value < 0 or value != value or value in (float("inf"), float("-inf")):
                    errors[key] = env._("A counter reading is a positive number.")
                elif value < counter.last_value:
                    errors[key] = env._(
                        "%(counter)s read %(last)s last time: check the number.",
                        counter=counter.name,
                        last=f"{counter.last_value:g}",
                    )
                else:
                    readings.append((counter, value))
        if errors:
            return errors, {}
        client = options["client"]
        vals = {
            "title": title,
            "description": plaintext2html(description) if description else False,
            "type_id": request_type.id,
            "channel": "portal",
            "priority": "2" if values.get("machine_down") else "1",
            "partner_id": client.id,
            "contact_id": env.user.partner_id.id,
            "location_id": site.id or False,
            "equipment_id": machine.id or False,
            "is_warranty_claim": claim,
            "user_id": False,
            "company_id": (machine.company_id or env.company).id,
        }
        return {}, {"vals": vals, "uploads": uploads, "readings": readings}

    @api.model
    def _fsm_portal_create(self, values, files=(), proof=None):
        """File the request of the logged-in contact; returns ``(request,
        errors)``. All or nothing: a refused value creates nothing, neither
        the request nor its readings nor its files."""
        errors, todo = self._fsm_portal_check(values, files, proof)
        if errors:
            return self.browse(), errors
        author = self.env.user.partner_id
        try:
            with self.env.cr.savepoint():
                # sudo: a client may not create requests by RPC, only through
                # this form, whose every value was checked against their own
                # records above; the user stays the author of the creation.
                # The client is the author of the "registered" email sent to
                # them as well: Odoo skips an author unless told otherwise.
                service_request = (
                    self.sudo().with_context(mail_notify_author_mention=True).create(todo["vals"])
                )
                for counter, value in todo["readings"]:
                    self.env["service.equipment.counter.reading"].sudo().create(
                        {
                            "counter_id": counter.id,
                            "value": value,
                            "request_id": service_request.id,
                            "note": self.env._("Read by %s in the portal", author.name),
                        }
                    )
                if todo["uploads"]:
                    service_request.message_post(
                        body=self.env._("Files sent with the request."),
                        attachments=todo["uploads"],
                        author_id=author.id,
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
        except (UserError, ValidationError) as exc:
            return self.browse(), {"form": exc.args[0]}
        return service_request.with_env(self.env), {}
