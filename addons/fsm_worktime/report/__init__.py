from . import service_work_kpi_report
