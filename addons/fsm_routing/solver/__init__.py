"""The suite's schedule optimiser, a plain Python package (no Odoo imports).

``solve(problem)`` plans orders over technicians' shifts (engine.py);
``insert_urgent`` puts one urgent order into a running day (emergency.py);
``vrptw`` reads the benchmark files. model.py holds the data both speak.
"""

from .engine import Progress, solve
from .model import (
    HIGH,
    LOW,
    NORMAL,
    PRIORITY_PENALTY,
    REASONS,
    URGENT,
    Break,
    LeftOut,
    Order,
    Plan,
    Problem,
    ProblemError,
    Route,
    Shift,
    Technician,
    Visit,
    Window,
)
