from . import service_request_split
