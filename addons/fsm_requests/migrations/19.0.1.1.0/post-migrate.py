"""Clients lists the partners the firm serves (``res.partner.is_service_client``):
mark those that already have a service request."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE res_partner
           SET is_service_client = TRUE
         WHERE id IN (SELECT commercial_partner_id FROM service_request)
           AND is_service_client IS NOT TRUE
        """
    )
