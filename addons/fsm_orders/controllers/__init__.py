from . import portal
from . import json_api
from . import service_worker
