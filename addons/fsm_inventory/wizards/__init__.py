from . import service_offer_reject
