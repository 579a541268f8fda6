from . import service_work_time_stop
from . import service_leave_replan
from . import service_kpi_dashboard
