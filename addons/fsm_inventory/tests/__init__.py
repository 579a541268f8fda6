from . import test_parts
from . import test_concurrency
