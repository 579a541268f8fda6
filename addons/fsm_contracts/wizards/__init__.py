from . import service_order_contract_override
