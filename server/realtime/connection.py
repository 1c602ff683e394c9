"""One socket's side of the live hub: the events queued for it, and cutting it off when slow."""

import collections
import logging
import threading
import uuid

log = logging.getLogger(__name__)

QUEUE_LIMIT = 200  # events waiting for one socket before it counts as too slow


class Connection:
    """One socket of an agent on this process, and the events waiting to be sent to it."""

    def __init__(
        self, agent_id, name, session_id=None, *, wake=None, cut_off=None, limit=QUEUE_LIMIT
    ):
        self.id = uuid.uuid4().hex
        self.agent_id = agent_id
        self.name = name
        self.session_id = session_id
        self.watching = set()
        self.closed = False
        self.close_code = None  # set when the server asks the browser to reconnect
        self.last_typing = 0.0
        self._wake = wake or threading.Event()
        self._cut_off = cut_off or (lambda: None)
        self._limit = limit
        self._pending = collections.deque()
        self._lock = threading.Lock()

    def offer(self, message):
        """Queue a message (text) for the socket; a socket that is too far behind is cut off."""
        with self._lock:
            if self.closed:
                return False
            if len(self._pending) >= self._limit:
                self.closed = True
                self._pending.clear()
            else:
                self._pending.append(message)
        if self.closed:
            log.warning(
                "live socket of %s fell %d events behind; cutting it off",
                self.agent_id,
                self._limit,
            )
            self.close()
            return False
        self._wake.set()
        return True

    def take(self):
        """Everything queued so far, oldest first (for the socket's own thread to send)."""
        with self._lock:
            messages = list(self._pending)
            self._pending.clear()
        return messages

    def ask_to_reconnect(self, code):
        """Have the socket's own thread close it with `code` once it has sent what is queued."""
        self.close_code = code
        self.closed = True
        self._wake.set()

    def close(self):
        """Stop the socket: its thread leaves its loop, even if it is stuck sending."""
        self.closed = True
        try:
            self._cut_off()
        except OSError:
            pass
        self._wake.set()
