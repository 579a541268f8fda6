"""Clients lists the partners the firm serves (``res.partner.is_service_client``),
no longer every company: mark those that already have an order or a machine."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE res_partner
           SET is_service_client = TRUE
         WHERE id IN (SELECT commercial_partner_id FROM service_order
                      UNION SELECT commercial_partner_id FROM service_equipment)
           AND is_service_client IS NOT TRUE
        """
    )
