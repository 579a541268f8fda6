from . import test_parts
from . import test_concurrency
from . import test_tours
from . import test_serials
from . import test_collected_external
from . import test_estimate
from . import test_settlement_export
from . import test_batch_settlement
