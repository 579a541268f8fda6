from . import service_order_part_collect
from . import service_settlement_export
from . import service_offer_reject
