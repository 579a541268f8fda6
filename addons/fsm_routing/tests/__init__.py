from . import test_common, test_plan
