from . import (
    portal_field_access,
    service_equipment,
    service_order,
    service_request,
    service_request_type,
)
