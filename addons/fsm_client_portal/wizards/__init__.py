from . import service_desk_statistics
