from . import (
    account_move,
    res_company,
    res_config_settings,
    res_partner,
    sale_order,
    service_contract,
    service_contract_type,
    service_equipment,
    service_equipment_category,
    service_maintenance_plan,
    service_order,
    service_request,
)
