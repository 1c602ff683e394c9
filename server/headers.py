"""Security headers on every answer: a strict Content-Security-Policy, nosniff, no referrer.

A small after_request rather than flask-talisman: talisman's defaults (X-Frame-Options
SAMEORIGIN, redirects to HTTPS, HSTS) fight what this service is, a page framed by Finesse
from another origin and served over plain HTTP in development, so most of it would be
switched off; what is left is these four headers, and frame-ancestors must be computed
from the same allowed origins as CORS (server/cors.py).
"""

from urllib.parse import urlsplit

from flask import request

from server import cors

# The development harness stands in for Finesse, whose pages run the gadget's inline
# container code; it is not served in production (server/harness/) and keeps no policy.
HARNESS_PATHS = ("/harness/", "/desktop/", "/finesse/")


def policy(app):
    """No inline script or style anywhere; framed only by the service itself and Finesse."""
    public = urlsplit(app.config["PUBLIC_URL"])
    socket = f"{'wss' if public.scheme == 'https' else 'ws'}://{public.netloc}"
    # CSP's host-source has no IPv6 literal: Chromium reports "http://[::1]:8000" as an
    # error on every page and ignores it, so such an origin cannot be named here (a page
    # served at [::1] is still framed as 'self').
    origins = sorted(o for o in cors.allowed_origins(app) if "[" not in urlsplit(o).netloc)
    ancestors = " ".join(["'self'", *origins])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            # Style attributes only (no <style>, no script): htmx's settle copies an
            # element's style attribute when it swaps it, and the widget positions its
            # dialogs; an attribute cannot run code.
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self' {socket}",
            f"frame-ancestors {ancestors}",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def init_app(app):
    content_security_policy = policy(app)

    @app.after_request
    def secure(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Tokens never travel in URLs we link to, but nothing needs a referrer either.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.path.startswith(HARNESS_PATHS):
            response.headers.setdefault("Content-Security-Policy", content_security_policy)
        return response
