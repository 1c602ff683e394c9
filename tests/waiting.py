"""Polling for what happens in another thread, process or browser."""

import time


def wait_until(condition, timeout=10.0, every=0.05, message="condition"):
    """Poll `condition()` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not reached within {timeout} s")
        time.sleep(every)
