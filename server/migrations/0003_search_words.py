"""Search words (C12): `customer_word`, one row per word of every known customer.

Any word of a name, the parts of an email and the forms of a phone number, each found by an
index range scan on both stores (see `server.services.identity`). Words are compared by code
point: SQLite's default, and `COLLATE "C"` on PostgreSQL, so a prefix range means "starts
with" whatever the database's locale. Existing customers are indexed here, in batches.
"""

import peewee as pw

BATCH = 5000


def up(migrator, db):
    postgres = isinstance(db, pw.PostgresqlDatabase)
    collate = ' COLLATE "C"' if postgres else ""
    without_rowid = "" if postgres else " WITHOUT ROWID"
    db.execute_sql(
        'CREATE TABLE "customer_word" ('
        f'"word" VARCHAR(100){collate} NOT NULL, '
        '"customer_id" INTEGER NOT NULL REFERENCES "customer" ("id") ON DELETE CASCADE, '
        'PRIMARY KEY ("word", "customer_id"))' + without_rowid
    )
    db.execute_sql(
        'CREATE UNIQUE INDEX "customer_word_customer_id_word" '
        'ON "customer_word" ("customer_id", "word")'
    )
    _index_existing(db)


def _index_existing(db):
    # The word rules are the service's own (a pure function, no models): a later change of
    # them comes with its own migration that indexes again.
    from server.services.identity import customer_words

    mark = db.param
    last = 0
    while True:
        rows = db.execute_sql(
            'SELECT "id", "name", "email", "phone" FROM "customer" '
            f'WHERE "known" = {mark} AND "id" > {mark} ORDER BY "id" LIMIT {mark}',
            (True, last, BATCH),
        ).fetchall()
        if not rows:
            return
        words = [
            (word, customer_id)
            for customer_id, name, email, phone in rows
            for word in customer_words(name, email, phone)
        ]
        for start in range(0, len(words), 1000):
            chunk = words[start : start + 1000]
            marks = ", ".join([f"({db.param}, {db.param})"] * len(chunk))
            db.execute_sql(
                f'INSERT INTO "customer_word" ("word", "customer_id") VALUES {marks}',
                [value for pair in chunk for value in pair],
            )
        last = rows[-1][0]
