from . import service_settlement_export
