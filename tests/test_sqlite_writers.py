"""Issue 14: SQLite writers queue for the write lock in arrival order, across processes too."""

import fcntl
import os
import threading
import time

import pytest

from server.sqlite_writers import QueuedWritersSqliteDatabase, _TicketLock


def test_threads_get_the_write_lock_in_the_order_they_asked_for_it():
    lock = _TicketLock()
    lock.acquire()  # held: everyone below waits
    order, threads = [], []
    for number in range(8):
        thread = threading.Thread(
            target=lambda n=number: (lock.acquire(), order.append(n), lock.release())
        )
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while lock._next_ticket != number + 2 and time.monotonic() < deadline:
            time.sleep(0.001)  # this thread has its ticket before the next one asks
    lock.release()
    for thread in threads:
        thread.join(5)
    assert order == list(range(8))


@pytest.fixture
def sqlite_file(tmp_path):
    db = QueuedWritersSqliteDatabase(str(tmp_path / "w.sqlite3"), lock_type="IMMEDIATE")
    db.execute_sql("CREATE TABLE t (n INTEGER)")
    yield db
    db.close_all()


def test_a_transaction_waits_while_another_process_writes(sqlite_file):
    # Another process's writer holds the lock file: this one begins only after it lets go.
    handle = os.open(sqlite_file.database + "-writers", os.O_RDWR | os.O_CREAT)
    fcntl.flock(handle, fcntl.LOCK_EX)
    began = threading.Event()

    def write():
        with sqlite_file.connection_context(), sqlite_file.atomic():
            began.set()
            sqlite_file.execute_sql("INSERT INTO t VALUES (1)")

    thread = threading.Thread(target=write)
    thread.start()
    assert not began.wait(0.3)
    fcntl.flock(handle, fcntl.LOCK_UN)
    os.close(handle)
    assert began.wait(5)
    thread.join(5)
    assert sqlite_file.execute_sql("SELECT count(*) FROM t").fetchone()[0] == 1


def test_a_failed_transaction_lets_go_of_the_lock(sqlite_file):
    with pytest.raises(RuntimeError), sqlite_file.atomic():
        sqlite_file.execute_sql("INSERT INTO t VALUES (1)")
        raise RuntimeError("refused")
    done = threading.Event()

    def write():
        with sqlite_file.connection_context(), sqlite_file.atomic():
            sqlite_file.execute_sql("INSERT INTO t VALUES (2)")
        done.set()

    threading.Thread(target=write).start()
    assert done.wait(5)
    assert sqlite_file.execute_sql("SELECT n FROM t").fetchall() == [(2,)]
