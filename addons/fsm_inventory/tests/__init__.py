from . import test_parts
from . import test_concurrency
from . import test_catalogue
from . import test_van_stock
