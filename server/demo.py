"""A small demo data set, so a newcomer's first screen is not empty."""

from server.services import activities, customers, interactions, workspace
from server.services import requests as requests_service
from server.services.sessions import create_local_agent

DEMO_AGENTS = [
    ("agent1", "password1", "Anna de Vries"),
    ("agent2", "password2", "Baptiste Martin"),
    ("agent3", "password3", "Cem Yılmaz"),
]

DEMO_CUSTOMERS = [
    {
        "name": "Sanne Jansen",
        "email": "sanne.jansen@example.nl",
        "phone": "+31 20 555 0101",
        "fields": {"company": "Jansen Bakkerij", "address": "Prinsengracht 12, Amsterdam"},
    },
    {
        "name": "Élodie Moreau",
        "email": "elodie.moreau@example.fr",
        "phone": "+33 1 55 55 01 02",
        "fields": {"company": "Moreau & Fils"},
    },
    {
        "name": "Ayşe Demir",
        "email": "ayse.demir@example.com.tr",
        "phone": "+90 212 555 0103",
        "fields": {"notes": "Prefers email."},
    },
    {
        "name": "James Taylor",
        "email": "james.taylor@example.co.uk",
        "phone": "+44 20 7946 0104",
        "fields": {},
    },
]


def seed():
    """Create the demo agents, customers, requests and a few interactions; return counts."""
    for username, password, name in DEMO_AGENTS:
        create_local_agent(username, password, name)
    for number, data in enumerate(DEMO_CUSTOMERS, start=1):
        customer = customers.create_customer("agent1", data)
        requests_service.create_request(
            "agent1",
            customer.id,
            "Order not delivered",
            "The parcel did not arrive on the promised day.",
        )
        result = interactions.register(
            "agent1",
            "email",
            f"demo-email-{number}",
            {"email": data["email"]},
            "Where is my order?",
        )
        activities.add_tag("agent1", result.activity.id, "delivery")
        activities.add_comment("agent1", result.activity.id, "Asked the carrier for a status.")
        interactions.end("agent1", f"demo-email-{number}")
        workspace.close("agent1", customer.id)
    return {"agents": len(DEMO_AGENTS), "customers": len(DEMO_CUSTOMERS)}
