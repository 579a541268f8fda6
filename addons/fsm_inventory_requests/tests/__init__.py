from . import test_request_offers
