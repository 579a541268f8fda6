from . import test_parts
from . import test_concurrency
from . import test_offers
