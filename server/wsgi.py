"""What gunicorn serves: `gunicorn server.wsgi:app` (as `make run` starts it).

The app, checked for serving: the settings (O4) and a database with no pending migration.
A problem is one line naming it, and the worker exits with gunicorn's "app failed to load"
status, so gunicorn stops instead of starting the worker again and again.
"""

import sys

from server import create_app
from server.config import ConfigError
from server.extensions import check_migrations

APP_LOAD_ERROR = 4  # gunicorn.arbiter.Arbiter.APP_LOAD_ERROR


def serving_app():
    app = create_app()
    check_migrations()
    return app


try:
    app = serving_app()
except ConfigError as error:
    print(error.line(), file=sys.stderr, flush=True)
    sys.exit(APP_LOAD_ERROR)
