from . import (
    test_board,
    test_board_tour,
    test_common,
    test_emergency,
    test_map,
    test_map_tour,
    test_plan,
    test_positions,
)
