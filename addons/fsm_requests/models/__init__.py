from . import res_partner
from . import service_request_type
from . import service_request
from . import service_request_call
from . import service_order
from . import service_request_task
from . import service_equipment
from . import res_config_settings
