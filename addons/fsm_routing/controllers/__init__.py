from . import positions
