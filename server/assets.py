"""Absolute, versioned URLs of the files in `static/`, for pages that live on another host.

Inside Finesse the gadget's and the widget's document belongs to the Finesse server, and
Finesse and its web proxy cache gadget files hard: every URL names the service (`PUBLIC_URL`)
and carries a `?v=` that changes whenever the file's content does.
"""

import functools
import hashlib
import os

from flask import current_app


@functools.lru_cache(maxsize=256)
def _fingerprint(path, mtime):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def version_of(filename):
    """A short hash of a static file's content (its cache-busting version)."""
    path = os.path.join(current_app.static_folder, filename)
    return _fingerprint(path, os.path.getmtime(path))


def asset_url(filename):
    """`PUBLIC_URL/static/<filename>?v=<version>`."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/static/{filename}?v={version_of(filename)}"
