from . import test_access
from . import test_equipment
from . import test_history
from . import test_my_day
from . import test_notifications
from . import test_validation
from . import test_workflow
