"""What the suite's JSON endpoints for other systems share (the service desk's
call center, the planner's fleet positions, …)."""

from werkzeug.exceptions import HTTPException, Unauthorized

from odoo.exceptions import AccessDenied
from odoo.http import SessionExpiredException, request


def error_response(exception, fault="Internal error: nothing was recorded. Try again later."):
    """The JSON answer to an exception Odoo raised around an endpoint for
    another system (authentication, a fault): the endpoints' own
    ``{"error": ...}`` shape, never an HTML page or a traceback. In English,
    as Odoo's own authentication messages: the transaction may be broken
    here, so nothing is read from the database. ``fault`` is the sentence of
    a 500."""
    headers = {}
    if isinstance(exception, HTTPException) and exception.code:
        status = exception.code
        message = exception.description or exception.name
        if isinstance(exception, Unauthorized):
            headers = {
                key: value for key, value in exception.get_headers()
                if key.lower() == "www-authenticate"
            }  # fmt: skip
    elif isinstance(exception, (AccessDenied, SessionExpiredException)):
        status, message = 401, "Use a valid API key as a Bearer Authorization header."
    else:
        status, message = 500, fault
    return request.make_json_response({"error": message}, status=status, headers=headers)
