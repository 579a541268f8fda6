from . import service_request_split
from . import service_desk_statistics
