from . import portal
from . import service_worker
