from . import sale_order
from . import service_order
from . import service_request
