"""Marshmallow schemas for every input and output of the API, one module per service area.

Schemas only read and write: outputs dump the services' read models (attributes, never a
query); inputs validate against the one table of limits (`server.limits`) and say what is
wrong in the caller's language, so the API and the widget give the same message.
"""
