"""A customer's whole context, as the widget shows it: header, request, activity, journey."""

from server.models import Customer, Request
from server.services import activities, customers, interactions, journey
from server.services.read_models import CustomerContext
from server.services.records import get_or_404

# Entries per journey page: the newest ten fit a narrow gadget; "Show older" brings more.
JOURNEY_PAGE = 10
COMMENTS_SHOWN = 100


def customer_context(customer_id, activity_id=None):
    """The customer with the interaction being handled (the one asked for, else the newest),
    its request and comments, the customer's requests and the journey's first page."""
    customer = get_or_404(Customer, customer_id)
    activity = activities.current_for(customer.id, activity_id)
    shown = activities.view(activity) if activity else None
    return CustomerContext(
        customer=customer,
        activity=shown,
        request=Request.get_by_id(activity.request_id) if activity else None,
        requests=customers.open_requests(customer.id),
        journey=journey.journey(customer.id, None, JOURNEY_PAGE),
        comments=activities.comments(activity.id, None, COMMENTS_SHOWN).items if activity else [],
        sharing=interactions.sharing(shown) if customer.known else [],
    )


def journey_page(customer_id, cursor):
    """A further page of the journey, with the requests an entry may move to (D7)."""
    customer = get_or_404(Customer, customer_id)
    return (
        customer,
        journey.journey(customer.id, cursor, JOURNEY_PAGE),
        customers.open_requests(customer.id),
    )


FORM_FIELDS = ("name", "email", "phone")
# The property a Care Desktop task's activity keeps the name its customer gave under (D9).
GIVEN_NAME = "contactName"


def parse_prefill(setting):
    """`PREFILL_FROM` ("name=callVariable1,fields.company=callVariable2") as {field: property};
    entries naming no form field are left out."""
    mapping = {}
    for entry in (setting or "").split(","):
        field, _, prop = (part.strip() for part in entry.partition("="))
        if prop and (field in FORM_FIELDS or (field.startswith("fields.") and len(field) > 7)):
            mapping[field] = prop
    return mapping


def new_customer_form(customer, activity, mapping):
    """What the form to create an unknown customer starts with (F6): the caller's identity,
    then what the desktop told about the caller in the configured properties, for the fields
    the identity leaves empty. Only a prefill: the agent still creates the customer (C7)."""
    values = {
        "name": customer.name or "",
        "email": customer.email or "",
        "phone": customer.phone_raw or customer.phone or "",
        "fields": dict(customer.fields or {}),
    }
    properties = (activity.properties if activity is not None else None) or {}
    mapping = {"name": GIVEN_NAME, **mapping}  # unless PREFILL_FROM names its own
    for field, prop in mapping.items():
        value = str(properties.get(prop) or "").strip()
        if not value:
            continue
        if field.startswith("fields."):
            values["fields"].setdefault(field[7:], value)
        elif not values[field]:
            values[field] = value
    return values
