"""pytest across the repository: the addons are Odoo packages, not pytest's.

An addon's ``__init__.py`` imports its models, which Odoo allows only as
``odoo.addons.<name>``; pytest would import it as a package of its own when it
walks down to a pure-Python test folder inside the addon (the optimiser's
``fsm_routing/solver/tests``).  So the folders of an addon are collected as
plain folders: nothing of the addon is imported, and the tests import
``solver`` from the path ``pyproject.toml`` gives them, as ``python -m solver``
does.
"""

import pytest


def pytest_collect_directory(path, parent):
    if any((folder / "__manifest__.py").is_file() for folder in (path, *path.parents)):
        return pytest.Dir.from_parent(parent, path=path)
    return None
