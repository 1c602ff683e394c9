"""JSON responses encoded by orjson (issue 14: serialisation on the hot paths).

Flask's default provider runs the standard library's encoder; orjson does the same work
several times faster on the journey's and search's pages. Requests are still decoded by
Flask's provider rules (`loads` below), so what the API accepts is unchanged.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj, **kwargs):
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
        except TypeError:
            # Something orjson will not take (an int beyond 64 bits): the standard encoder.
            return super().dumps(obj, **kwargs)

    def response(self, *args, **kwargs):
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(
                obj, default=self.default, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE
            )
        except TypeError:
            return super().response(obj)
        return self._app.response_class(body, mimetype=self.mimetype)
