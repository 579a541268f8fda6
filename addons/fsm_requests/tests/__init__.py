from . import test_call_center
from . import test_email
from . import test_requests
from . import test_desk
