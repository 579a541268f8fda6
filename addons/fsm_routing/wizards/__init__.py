from . import service_route_emergency
