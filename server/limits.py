"""Every input limit, in one table: the schemas enforce it, templates and browsers read it.

The browser gets the same table as data (`limits_json` in the widget's markup and
`GET /api/v1/limits`), so a counter in the widget and the service's refusal never disagree.
"""

LIMITS = {
    "text": 2000,  # C4: every free text field (title, description, comment, name, message…)
    "tag": 50,  # C6
    "email": 320,  # RFC 5321's longest address
    "phone": 100,
    "chat": 320,
    "field_name": 100,  # the key of a free customer field (company, address…)
    "search": 200,  # a search text
    "page": 100,  # items per page at most
    "agent_id": 100,
    "password": 1000,
    "authorization": 8000,
    "source_id": 200,
    "cursor": 500,  # a paging cursor as this service writes them
}

TEXT = LIMITS["text"]
TAG = LIMITS["tag"]


def for_field(field):
    """The limit of a form field by its name: its own if it has one, else the C4 text limit."""
    return LIMITS.get(field, TEXT)
