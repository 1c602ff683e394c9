"""A customer's whole context, as the widget shows it: header, request, activity, journey."""

from server.models import Customer, Request
from server.services import activities, customers, journey
from server.services.read_models import CustomerContext
from server.services.records import get_or_404

JOURNEY_PAGE = 20
COMMENTS_SHOWN = 100


def customer_context(customer_id, activity_id=None):
    """The customer with the interaction being handled (the one asked for, else the newest),
    its request and comments, the customer's requests and the journey's first page."""
    customer = get_or_404(Customer, customer_id)
    activity = activities.current_for(customer.id, activity_id)
    return CustomerContext(
        customer=customer,
        activity=activities.view(activity) if activity else None,
        request=Request.get_by_id(activity.request_id) if activity else None,
        requests=customers.open_requests(customer.id),
        journey=journey.journey(customer.id, None, JOURNEY_PAGE),
        comments=activities.comments(activity.id, None, COMMENTS_SHOWN).items if activity else [],
    )


def journey_page(customer_id, cursor):
    """A further page of the journey, with the requests an entry may move to (D7)."""
    customer = get_or_404(Customer, customer_id)
    return (
        customer,
        journey.journey(customer.id, cursor, JOURNEY_PAGE),
        customers.open_requests(customer.id),
    )
