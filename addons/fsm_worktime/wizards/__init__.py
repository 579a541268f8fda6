from . import service_work_time_stop
