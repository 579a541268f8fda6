"""pytest cases of the solver: a package, so that pytest puts addons/fsm_routing/ on the
path and the tests import ``solver`` as its command line does."""
