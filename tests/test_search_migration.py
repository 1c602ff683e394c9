"""C12: migration 0003 gives the customers already in a database their search words."""

import peewee as pw
from playhouse.migrations import Runner

from server.extensions import MIGRATIONS


def test_C12_migration_0003_indexes_existing_known_customers(tmp_path):
    db = pw.SqliteDatabase(str(tmp_path / "old.sqlite3"))
    runner = Runner(db, directory=MIGRATIONS)
    runner.up("0002_tasks")
    db.execute_sql(
        'INSERT INTO "customer" ("name", "name_key", "email", "phone", "fields", "known", '
        '"version", "created_at", "updated_at") VALUES '
        "('Élodie Moreau', 'élodie moreau', 'elodie@example.fr', '+33155550102', '{}', 1, 1, "
        "'2026-01-01', '2026-01-01'), "
        "('', '', NULL, '+31201234567', '{}', 0, 1, '2026-01-01', '2026-01-01')"
    )
    assert runner.up("0003_search_words") == ["0003_search_words"]
    words = db.execute_sql('SELECT "word", "customer_id" FROM "customer_word"').fetchall()
    assert {customer for _, customer in words} == {1}  # the unknown caller has none
    assert {"elodie", "moreau", "example.fr", "+33155550102", "155550102"} <= {
        word for word, _ in words
    }
    plan = db.execute_sql(
        'EXPLAIN QUERY PLAN SELECT "customer_id" FROM "customer_word" '
        "WHERE \"word\" >= 'mor' AND \"word\" < 'mor\U0010ffff'"
    ).fetchall()
    assert "SEARCH" in plan[0][-1]  # a range of the index, never a scan
    db.close()
