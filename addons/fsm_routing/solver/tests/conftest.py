"""The solver is a plain package beside the addon's Odoo code: import it as
``solver`` from addons/fsm_routing/, as its command line does."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
