from . import test_common, test_emergency, test_plan
