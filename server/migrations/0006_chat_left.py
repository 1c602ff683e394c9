"""A chat remembers when its visitor left it (the widget's End chat, or the page gone for
CHAT_GONE_AFTER seconds): a waiting chat then leaves the queue as `abandoned`, and the agent
of a chat in conversation sees that the customer has left (D9)."""

import peewee as pw
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(
        migrator.add_column("task", "customer_left_at", pw.DateTimeField(null=True)),
    )
