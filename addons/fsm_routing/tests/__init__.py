from . import test_common
