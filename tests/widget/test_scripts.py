"""The widget's scripts: all of them listed, in their load order, each small (issue 9, point 8)."""

import os
import re

from server.widget.pages import SCRIPTS

MAX_LINES = 400


def test_every_listed_script_exists_and_the_fragment_loads_them_in_order(client, app):
    # widget_scripts() leaves out a missing file: a misspelt name would fail silently.
    for name in SCRIPTS:
        assert os.path.isfile(os.path.join(app.static_folder, name)), name
    page = client.get("/widget/?fragment=1&locale=en").get_data(as_text=True)
    loaded = re.findall(r'<script src="[^"]+/static/([^"?]+)\?v=\w+"', page)
    assert loaded == list(SCRIPTS)
    assert loaded[:2] == ["widget/vendor/htmx.min.js", "widget/dom.js"]  # helpers before parts


def test_no_widget_script_is_over_400_lines(app):
    folder = os.path.join(app.static_folder, "widget")
    for name in sorted(os.listdir(folder)):
        if name.endswith(".js"):
            with open(os.path.join(folder, name), encoding="utf-8") as script:
                assert sum(1 for _ in script) <= MAX_LINES, name


# What htmx evaluates as code, or markup a strict Content-Security-Policy refuses (brief: no
# inline script, no on…= or style= attributes, no hx-on, no hx-trigger filter, no js: values).
CSP_REFUSES = re.compile(
    r"hx-trigger=\"[^\"]*\[|hx-on|\son\w+=|\sstyle=|<script>|(?:js|javascript):", re.IGNORECASE
)


def test_widget_templates_hold_nothing_a_strict_csp_refuses(app):
    folder = os.path.join(os.path.dirname(app.static_folder), "gadget", "templates", "widget")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as template:
            found = CSP_REFUSES.search(template.read())
        assert found is None, f"{name}: {found.group(0)}"
