from . import test_common
from . import test_positions
