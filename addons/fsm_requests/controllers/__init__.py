from . import call_center
