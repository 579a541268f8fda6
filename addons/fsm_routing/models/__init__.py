from . import (
    res_company,
    res_config_settings,
    hr_employee,
    hr_employee_public,
    service_equipment_category,
    service_order,
    service_position,
    route_problem,
    service_route_plan,
    service_route_board,
    service_route_map,
    ir_http,
)
