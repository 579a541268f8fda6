from . import res_company
from . import hr_employee
from . import stock_move
from . import service_order_part
from . import service_order
from . import service_offer_reject_reason
from . import sale_order
from . import res_config_settings
