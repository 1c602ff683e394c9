"""The hot paths' statements, written by peewee once and then sent as SQL text (issue 14).

Peewee writes a statement's SQL anew every time it runs one: walking the query's expression
tree cost a screen-pop or a journey page about 0.15 ms per statement, ten times what the
store then takes to run it (`bench/profile.py --cpu`). A `Statement` is built once per
database with `Slot`s where the values go, and each run sends its cached SQL with the
values in their slots, through `Model.raw` (rows as model instances, as the query would
give them) or as plain tuples.

Values go to the store as given (ints, text, naive UTC datetimes, as peewee passes them),
except a slot given its field (`slot(name, Model.field)`), which converts as the field does
(a JSON field's value is written as JSON); a list value (`IN`) is a slot per item, the SQL
being cached per list length.
"""

import threading

import peewee as pw

from server.models import database


class Slot:
    """Where a named value goes in a statement's parameters."""

    __slots__ = ("name", "index", "convert")

    def __init__(self, name, index=None, convert=None):
        self.name, self.index, self.convert = name, index, convert


class Statement:
    """`build(slot)` returns a peewee query whose values are `slot(name)` (or, for an IN list,
    `slot(name)` too: it gives as many slots as the run's list has items)."""

    def __init__(self, model, build):
        self.model = model
        self.build = build
        self.compiled = {}  # (database class, list lengths) -> (sql, parameter order)
        self.lock = threading.Lock()

    def _compile(self, values):
        lengths = tuple(
            (name, len(value)) for name, value in values.items() if isinstance(value, list)
        )
        # The SQL depends on the store's kind (quoting, placeholders, JSON), not the instance.
        key = (type(database.obj), lengths)
        found = self.compiled.get(key)
        if found is None:
            sizes = dict(lengths)

            def slot(name, field=None):
                if name in sizes:
                    return [pw.Value(Slot(name, i), converter=False) for i in range(sizes[name])]
                if isinstance(field, pw.JSONField) and isinstance(field.db_value({}), pw.Node):
                    # SQLite: the text goes through json(), as the field writes it.
                    return pw.fn.json(pw.Value(Slot(name, convert=field._dumps), converter=False))
                convert = field.db_value if field is not None else None
                return pw.Value(Slot(name, convert=convert), converter=False)

            sql, params = self.build(slot).sql()
            order = [param if isinstance(param, Slot) else _Fixed(param) for param in params]
            found = (sql, order)
            with self.lock:
                self.compiled[key] = found
        return found

    def _params(self, values):
        sql, order = self._compile(values)
        params = []
        for place in order:
            if isinstance(place, _Fixed):
                params.append(place.value)
            elif place.convert is not None:
                params.append(place.convert(values[place.name]))
            elif place.index is None:
                params.append(values[place.name])
            else:
                params.append(values[place.name][place.index])
        return sql, params

    def rows(self, **values):
        """The statement's rows as instances of its model."""
        sql, params = self._params(values)
        return list(self.model.raw(sql, *params))

    def tuples(self, **values):
        sql, params = self._params(values)
        return database.execute_sql(sql, params).fetchall()

    def execute(self, **values):
        """Run it; the cursor (an INSERT … RETURNING id: `.fetchone()[0]`)."""
        sql, params = self._params(values)
        return database.execute_sql(sql, params)


def inserting(model, fields, returning=False):
    """An INSERT of `fields`, each value in the slot named after its field (RETURNING the
    new row's id with `returning`: `.execute(...).fetchone()[0]`)."""

    def build(slot):
        query = model.insert({field: slot(field.name, field) for field in fields})
        return query.returning(model.id) if returning else query

    return Statement(model, build)


class _Fixed:
    """A parameter the query itself fixed (a constant of the statement)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value
