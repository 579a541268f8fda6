from . import test_common
from . import test_board
from . import test_board_tour
