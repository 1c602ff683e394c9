"""The harness's blueprint, on which its stand-ins register their routes."""

from flask import Blueprint

bp = Blueprint("harness", __name__, template_folder="templates")
