from . import test_timers
from . import test_concurrency
from . import test_tours
from . import test_absences
from . import test_kpis
