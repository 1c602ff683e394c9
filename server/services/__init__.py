"""The service layer: every SPEC rule lives here, in plain functions over the models.

Nothing in this package knows about Flask requests; the JSON API, the widget, the socket and
the RQ jobs all call these functions.
"""
