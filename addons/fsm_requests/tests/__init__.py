from . import test_call_center
from . import test_deadlines
from . import test_desk
from . import test_email
from . import test_requests
