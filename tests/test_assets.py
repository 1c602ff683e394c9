"""Static files are named by absolute, versioned URLs (F1: Finesse caches gadget files hard)."""

import os

from server.assets import asset_url


def test_F1_asset_urls_are_absolute_and_change_with_the_content(app, tmp_path):
    name = "test-asset.txt"
    os.makedirs(app.static_folder, exist_ok=True)
    path = os.path.join(app.static_folder, name)
    try:
        with open(path, "w") as handle:
            handle.write("one")
        with app.app_context():
            first = asset_url(name)
            assert first.startswith(app.config["PUBLIC_URL"] + "/static/test-asset.txt?v=")
            with open(path, "w") as handle:
                handle.write("two")
            os.utime(path, (1, 1))  # a new mtime even on coarse file systems
            assert asset_url(name) != first
    finally:
        os.remove(path)
