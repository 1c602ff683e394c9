"""The project's one error class, rendered as RFC 9457 problem details."""

from http import HTTPStatus


class Problem(Exception):
    """An error the API reports to the client as application/problem+json."""

    def __init__(self, status, detail=None, *, errors=None, type_=None, **extra):
        super().__init__(detail)
        self.status = status
        self.detail = detail or HTTPStatus(status).description
        self.errors = errors
        self.type = type_ or "about:blank"
        self.extra = extra

    def to_dict(self):
        body = {
            "type": self.type,
            "title": HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class NotFound(Problem):
    def __init__(self, kind, record_id):
        super().__init__(404, f"No {kind} with id {record_id}.", type_="/problems/not-found")


class Conflict(Problem):
    def __init__(self, detail, type_="/problems/conflict", **extra):
        super().__init__(409, detail, type_=type_, **extra)


class Stale(Conflict):
    """The record changed since the client loaded it (C3); `current` is how it is now."""

    def __init__(self, kind, current):
        super().__init__(
            f"This {kind} was changed by someone else since you loaded it.",
            type_="/problems/stale-version",
            current=current,
        )
        self.kind = kind


class IdentityTaken(Conflict):
    """An email or phone number another customer has (C12): who has it, for the agent to
    choose; the same request with `"confirm_shared": true` shares it on purpose."""

    def __init__(self, fields, customers):
        names = ", ".join(customer["name"] or customer["id"] for customer in customers)
        super().__init__(
            f"This {' and '.join(fields)} belongs to another customer: {names}.",
            type_="/problems/identity-taken",
            fields=fields,
            customers=customers,
        )


class Invalid(Problem):
    def __init__(self, errors, detail="The input is not valid."):
        super().__init__(422, detail, errors=errors, type_="/problems/validation")
