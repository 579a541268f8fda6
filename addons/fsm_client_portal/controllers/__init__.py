from . import mail, portal
