"""Who the seeded customers are: names, emails and phone numbers as contact centres see them.

Four markets (Dutch, French, Turkish, English), each with its own names, email domains and
the ways its customers type a phone number. Every number is built from the customer's
sequence number, so no two customers share one.
"""

import unicodedata

MARKETS = {
    "nl": {
        "first": [
            "Sanne",
            "Daan",
            "Emma",
            "Lucas",
            "Julia",
            "Sem",
            "Tess",
            "Milan",
            "Fleur",
            "Bram",
            "Lotte",
            "Thijs",
            "Anouk",
            "Joris",
            "Femke",
            "Ruben",
            "Maartje",
            "Wouter",
            "Ilse",
            "Jeroen",
            "Noor",
            "Stijn",
            "Eline",
            "Koen",
        ],
        "last": [
            "de Vries",
            "Jansen",
            "van den Berg",
            "Bakker",
            "Visser",
            "Smit",
            "Meijer",
            "de Boer",
            "Mulder",
            "de Groot",
            "Bos",
            "Vos",
            "Peters",
            "Hendriks",
            "van Dijk",
            "Dekker",
            "Brouwer",
            "de Wit",
            "Dijkstra",
            "Smits",
            "van Leeuwen",
        ],
        "domains": ["example.nl", "ziggo.example", "kpn-mail.example", "gmail.example"],
        "companies": ["Bakkerij Jansen", "Fietsenmaker Bos", "De Groot Installatie", ""],
    },
    "fr": {
        "first": [
            "Élodie",
            "Baptiste",
            "Camille",
            "Théo",
            "Chloé",
            "Hugo",
            "Léa",
            "Mathis",
            "Manon",
            "Louis",
            "Inès",
            "Gabriel",
            "Zoé",
            "Raphaël",
            "Océane",
            "Benoît",
            "Amélie",
            "Jérôme",
            "Margaux",
            "François",
        ],
        "last": [
            "Martin",
            "Bernard",
            "Dubois",
            "Thomas",
            "Robert",
            "Richard",
            "Petit",
            "Durand",
            "Leroy",
            "Moreau",
            "Simon",
            "Laurent",
            "Lefèvre",
            "Michel",
            "Garcia",
            "Fournier",
            "Girard",
            "Bonnet",
            "Mercier",
            "Lemaître",
        ],
        "domains": ["example.fr", "orange.example", "free.example", "laposte.example"],
        "companies": ["Moreau & Fils", "Boulangerie Petit", "Garage Durand", ""],
    },
    "tr": {
        "first": [
            "Ayşe",
            "Mehmet",
            "Zeynep",
            "Mustafa",
            "Elif",
            "Emre",
            "Şule",
            "Burak",
            "Gülşen",
            "Çağlar",
            "Özge",
            "İbrahim",
            "Yağmur",
            "Hakan",
            "Büşra",
            "Oğuz",
            "Derya",
            "Serkan",
            "Ebru",
            "Cem",
        ],
        "last": [
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yıldız",
            "Yıldırım",
            "Öztürk",
            "Aydın",
            "Özdemir",
            "Arslan",
            "Doğan",
            "Kılıç",
            "Aslan",
            "Çetin",
            "Kara",
            "Koç",
            "Kurt",
            "Özkan",
            "Şimşek",
        ],
        "domains": ["example.com.tr", "turkcell.example", "ttmail.example", "gmail.example"],
        "companies": ["Demir Tekstil", "Kaya Lojistik", "Yıldız Gıda", ""],
    },
    "en": {
        "first": [
            "James",
            "Olivia",
            "Oliver",
            "Amelia",
            "Harry",
            "Isla",
            "Jack",
            "Ava",
            "George",
            "Emily",
            "Noah",
            "Sophie",
            "Charlie",
            "Grace",
            "Thomas",
            "Lily",
            "Oscar",
            "Freya",
            "William",
            "Chloe",
        ],
        "last": [
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "O'Brien",
        ],
        "domains": ["example.co.uk", "btinternet.example", "outlook.example", "gmail.example"],
        "companies": ["Taylor & Sons", "Green Grocers Ltd", "Walker Plumbing", ""],
    },
}
ORDER = ("nl", "fr", "tr", "en")

SUBJECTS = {
    "nl": [
        "Bestelling niet ontvangen",
        "Factuur klopt niet",
        "Adreswijziging",
        "Retour aanvragen",
        "Inloggen lukt niet",
    ],
    "fr": [
        "Commande non reçue",
        "Erreur de facture",
        "Changement d'adresse",
        "Demande de retour",
        "Problème de connexion",
    ],
    "tr": [
        "Sipariş gelmedi",
        "Fatura hatalı",
        "Adres değişikliği",
        "İade talebi",
        "Giriş yapamıyorum",
    ],
    "en": [
        "Order not delivered",
        "Wrong invoice",
        "Change of address",
        "Return request",
        "Cannot sign in",
    ],
}

TAGS = [
    "delivery",
    "billing",
    "complaint",
    "VIP",
    "refund",
    "technical",
    "login",
    "cancellation",
    "address change",
    "invoice",
    "retour",
    "facture",
    "iade",
    "fatura",
    "callback",
    "escalated",
]

COMMENTS = [
    "Asked the carrier for a status.",
    "Customer will call back tomorrow.",
    "Refund approved by team lead.",
    "Sent the invoice again by email.",
    "Klant belt terug.",
    "Le client attend un appel.",
    "Müşteri tekrar arayacak.",
]

_ASCII = str.maketrans({"ı": "i", "İ": "I", "'": "", " ": ""})


def ascii_fold(text):
    """`Ayşe Yılmaz` → `AyseYilmaz`: what the customer would type in an email address."""
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return text.encode("ascii", "ignore").decode()


def phone_as_typed(market, number, variant):
    """A unique phone number for customer `number`, written the way `market` writes it.

    Returns (as typed, as searched): the second is another spelling of the same number, as
    an agent would paste it into the search box.
    """
    digits = f"{number:08d}"[-8:]
    if market == "nl":
        spellings = [
            f"06-{digits}",
            f"+31 6 {digits[:4]} {digits[4:]}",
            f"0031 6 {digits}",
            f"06 {digits[:2]} {digits[2:5]} {digits[5:]}",
        ]
    elif market == "fr":
        pairs = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
        spellings = [f"+33 6 {pairs}", f"0033 6{digits}", f"+33 (0)6 {pairs}", f"+336{digits}"]
    elif market == "tr":
        d7 = digits[-7:]
        prefix = "53" + digits[0]
        spellings = [
            f"+90 {prefix} {d7[:3]} {d7[3:5]} {d7[5:]}",
            f"0090 {prefix} {d7}",
            f"+90 ({prefix}) {d7[:3]} {d7[3:]}",
            f"+90{prefix}{d7}",
        ]
    else:
        spellings = [
            f"+44 74{digits[:2]} {digits[2:]}",
            f"0044 74{digits}",
            f"+44 (0)74{digits[:2]} {digits[2:5]} {digits[5:]}",
            f"+4474{digits}",
        ]
    typed = spellings[variant % len(spellings)]
    searched = spellings[(variant + 1) % len(spellings)]
    return typed, searched
