"""Customers (C7, C9, C12): create, edit, search."""

from marshmallow import Schema, ValidationError, fields, validate

from server import labels
from server.inputs import NO_NUL
from server.limits import LIMITS, TEXT
from server.schemas.common import (
    Boolean,
    Chat,
    Cursor,
    Email,
    Id,
    Input,
    Page,
    PageLimit,
    Phone,
    RecordId,
    Str,
    Text,
    UtcDateTime,
    Version,
    plain_dump,
    plain_id,
    plain_str,
    utc_iso,
)


class FieldsMap(fields.Dict):
    """Free customer fields (company, address, notes…): text values within the C4 limit.

    Each value's message names its own field, keyed `fields.<name>` as the widget's form is.
    """

    def __init__(self, **kwargs):
        super().__init__(
            keys=Str(validate=validate.Length(min=1, max=LIMITS["field_name"])),
            values=Str(allow_none=True, metadata={"maxLength": TEXT}),
            # OpenAPI 3.0 has no word for the keys' rule; JSON Schema's is read by fuzzers.
            metadata={
                "json_schema": {
                    "propertyNames": {
                        "minLength": 1,
                        "maxLength": LIMITS["field_name"],
                        "pattern": NO_NUL,
                    }
                }
            },
            **kwargs,
        )

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        errors = {
            key: [labels.too_long(key, TEXT, len(text))]
            for key, text in result.items()
            if isinstance(text, str) and len(text) > TEXT
        }
        if errors:
            raise ValidationError(errors)
        return result


class CustomerIn(Input):
    name = Text(load_default="")
    email = Email()
    phone = Phone()
    chat = Chat()
    activity_id = RecordId(load_default=None, allow_none=True)
    # An email or phone another customer has is refused (409 identity-taken) unless the
    # agent, shown who has it, confirms it is shared (C12).
    confirm_shared = Boolean(load_default=False)
    fields = FieldsMap(load_default=dict)  # last: the name shadows the module in the class body


class CustomerPatch(Input):
    version = Version()
    name = Text()
    email = Email()
    phone = Phone()
    chat = Chat()
    confirm_shared = Boolean(load_default=False)
    fields = FieldsMap()


class CustomerOut(Schema):
    id = Id()
    name = fields.String()
    email = fields.String(allow_none=True)
    phone = fields.Method("display_phone", allow_none=True)
    phone_e164 = fields.String(attribute="phone", allow_none=True)
    chat = fields.String(allow_none=True)
    known = fields.Boolean()
    version = fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    fields = fields.Dict()  # last: the name shadows the module in the class body

    def display_phone(self, customer):
        return customer.phone_raw or customer.phone


@plain_dump(CustomerOut)
def customer_out(customer):
    fields_ = customer.fields
    return {
        "id": plain_id(customer.id),
        "name": plain_str(customer.name),
        "email": plain_str(customer.email),
        "phone": customer.phone_raw or customer.phone,
        "phone_e164": plain_str(customer.phone),
        "chat": plain_str(customer.chat),
        "known": None if customer.known is None else bool(customer.known),
        "version": None if customer.version is None else int(customer.version),
        "created_at": utc_iso(customer.created_at),
        "updated_at": utc_iso(customer.updated_at),
        "fields": None if fields_ is None else dict(fields_),
    }


class SearchQuery(Input):
    q = Text(LIMITS["search"], load_default="")
    cursor = Cursor()
    limit = PageLimit()


class SearchPage(Page):
    items = fields.List(fields.Nested(CustomerOut))
