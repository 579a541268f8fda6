import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.image import base64_to_image


class ServiceOrderPhoto(models.Model):
    """A photo taken on site, on the order and, when a machine is set, in the
    machine's documentation too."""

    _name = "service.order.photo"
    _description = "Service Order Photo"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one("service.order", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char("Caption")
    image = fields.Image("Photo", required=True, max_width=1920, max_height=1920)
    image_256 = fields.Image(
        "Thumbnail", related="image", max_width=256, max_height=256, store=True
    )
    equipment_id = fields.Many2one(
        "service.equipment",
        "Machine",
        index="btree_not_null",
        help="Also file the photo in this machine's documentation.",
    )
    taken_by_id = fields.Many2one(
        "res.users", "Taken by", default=lambda self: self.env.user, readonly=True
    )
    date = fields.Datetime(
        "Taken on",
        default=lambda self: self.env["service.order"]._fsm_now(),
        readonly=True,
        help="When the photo was taken: for a photo sent from the phone's queue, its tap.",
    )

    @api.model
    def _check_upload(self, data):
        """Refuse what is not an image, or is bigger than the company allows."""
        if not data:
            return
        raw = data if isinstance(data, bytes) else data.encode()
        try:
            size = len(base64.b64decode(raw, validate=False))
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(self.env._("This file is not an image.")) from exc
        limit_mb = self.env.company.fsm_photo_max_mb or 10
        if size > limit_mb * 1024 * 1024:
            raise ValidationError(
                self.env._(
                    "This photo is %(size).1f MB; photos up to %(limit)s MB are accepted. "
                    "Take it again at a lower resolution.",
                    size=size / 1024 / 1024,
                    limit=limit_mb,
                )
            )
        try:
            base64_to_image(raw)
        except Exception as exc:  # noqa: BLE001 — PIL raises many kinds
            raise ValidationError(
                self.env._("This file is not an image: take a photo or pick a JPEG or PNG.")
            ) from exc

    @api.constrains("equipment_id", "order_id")
    def _check_equipment(self):
        for photo in self:
            if photo.equipment_id and photo.equipment_id not in photo.order_id.equipment_ids:
                raise ValidationError(
                    self.env._(
                        "%s is not a machine of this order.", photo.equipment_id.display_name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_upload(vals.get("image"))
        photos = super().create(vals_list)
        photos.order_id._check_report_editable()
        return photos

    def write(self, vals):
        self._check_upload(vals.get("image"))
        self.order_id._check_report_editable()
        return super().write(vals)

    def unlink(self):
        self.order_id._check_report_editable()
        return super().unlink()
