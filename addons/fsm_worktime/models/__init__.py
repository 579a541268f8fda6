from . import hr_employee
from . import service_work_time_type
from . import service_work_time
from . import service_order
from . import service_work_week
from . import hr_leave
from . import service_kpi_goal
