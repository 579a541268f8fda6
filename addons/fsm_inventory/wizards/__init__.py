from . import service_order_part_collect
