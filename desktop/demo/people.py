"""Synthetic patients and what they write: realistic, and entirely made up."""

from __future__ import annotations

from desktop.core.model import Category

# (name, date of birth, sex)
PATIENTS: list[tuple[str, str, str]] = [
    ("Jean Martin", "1961-04-02", "M"), ("Chantal Lefèvre", "1948-11-17", "F"),
    ("Karim Benali", "1985-06-30", "M"), ("Sophie Garnier", "1979-02-14", "F"),
    ("Louis Fontaine", "1952-09-08", "M"), ("Nathalie Rousseau", "1968-12-01", "F"),
    ("Mohamed Haddad", "1974-03-22", "M"), ("Isabelle Moreau", "1983-07-19", "F"),
    ("Bernard Girard", "1944-05-30", "M"), ("Élodie Chevalier", "1991-10-05", "F"),
    ("Thierry Lambert", "1959-01-27", "M"), ("Yasmina Bouzid", "1988-08-12", "F"),
    ("Philippe Mercier", "1956-06-03", "M"), ("Camille Faure", "1995-04-25", "F"),
    ("Gérard Blanc", "1939-11-11", "M"), ("Aurélie Guérin", "1986-09-16", "F"),
    ("Julien Perrin", "1977-12-09", "M"), ("Monique Roux", "1946-02-21", "F"),
    ("Antoine Dubois", "1990-03-02", "M"), ("Fatou Diallo", "1982-05-18", "F"),
    ("Michel Bonnet", "1950-10-30", "M"), ("Sandrine Lemoine", "1972-01-13", "F"),
    ("Hugo Marchand", "2001-07-07", "M"), ("Josiane Morel", "1941-08-28", "F"),
    ("Patrick Caron", "1963-04-10", "M"), ("Léa Vincent", "1998-11-23", "F"),
    ("René Masson", "1936-06-15", "M"), ("Christine Dumas", "1966-09-04", "F"),
    ("Nicolas Renaud", "1981-02-08", "M"), ("Agnès Brunet", "1958-12-19", "F"),
    ("Olivier Picard", "1970-05-26", "M"), ("Manon Gauthier", "1993-03-31", "F"),
    ("Alain Robin", "1949-07-22", "M"), ("Samia Kaci", "1987-10-17", "F"),
    ("Daniel Boyer", "1954-01-05", "M"), ("Hélène Colin", "1962-08-09", "F"),
]

# Patients of the practice who have not joined the messaging (yet): the practice enrols them.
NOT_ENROLLED: list[tuple[str, str, str]] = [
    ("Marcel Dupuis", "1943-03-14", "M"), ("Claire Vidal", "1977-06-21", "F"),
    ("Paul Lefort", "1969-09-02", "M"), ("Inès Hamidi", "1999-12-30", "F"),
    ("Roger Lucas", "1938-01-19", "M"), ("Amandine Roy", "1984-04-04", "F"),
]


# Conditions on the record, for targeted notices (a patient in four has none).
TAGS: list[str] = ["diabète", "", "asthme", "hypertension", "", "diabète, hypertension",
                   "BPCO", "", "grossesse"]


def phone(i: int) -> str:
    """A made-up French mobile number (06 00 … is never assigned)."""
    return f"06 00 {10 + i % 89:02d} {(i * 37) % 100:02d} {(i * 53) % 100:02d}"


# Renewal requests: the treatments a patient names, and his words.
RENEWALS: list[tuple[list[str], str]] = [
    (["Levothyrox 75 µg"], "Bonjour docteur, je n'ai plus que dix jours de traitement."),
    (["Metformine 1000 mg", "Atorvastatine 20 mg"],
     "Bonjour, mes dernières analyses sont bonnes. Merci d'avance."),
    (["Amlodipine 5 mg", "Kardégic 75 mg"], "Bonjour, pour mon traitement de la tension."),
    (["Ventoline 100 µg"], "L'inhalateur est presque vide."),
    (["Stilnox 10 mg"], "Je dors mal en ce moment, pouvez-vous me renouveler le Stilnox ?"),
    (["Ramipril 5 mg"], ""),
]

# How the practice renewed some of them before (name, dosage, days, quantity, renewals).
PAST_LINES: dict[str, tuple[str, str, int, str, int]] = {
    "Levothyrox 75 µg": ("Levothyrox 75 µg, comprimé sécable", "1 comprimé le matin à jeun",
                         90, "3 boîtes de 30", 0),
    "Metformine 1000 mg": ("Metformine 1000 mg, comprimé", "1 comprimé matin et soir",
                           90, "3 boîtes de 60", 1),
    "Atorvastatine 20 mg": ("Atorvastatine 20 mg, comprimé", "1 comprimé le soir",
                            90, "3 boîtes de 30", 1),
    "Amlodipine 5 mg": ("Amlodipine 5 mg, gélule", "1 gélule le matin", 90,
                        "3 boîtes de 30", 0),
    "Kardégic 75 mg": ("Kardégic 75 mg, poudre", "1 sachet le midi", 90, "3 boîtes de 30", 0),
    "Ventoline 100 µg": ("Ventoline 100 µg/dose, suspension pour inhalation",
                         "2 bouffées si gêne respiratoire", 90, "2 flacons", 0),
    "Ramipril 5 mg": ("Ramipril 5 mg, gélule", "1 gélule le soir", 90, "3 boîtes de 30", 0),
}

# What a patient asks when he opens a request.
REQUESTS: list[tuple[Category, str]] = [
    (Category.RENEWAL, ("Bonjour docteur, pourriez-vous renouveler mon Levothyrox 75 µg pour "
     "trois mois ? Je n'ai plus que dix jours de traitement.")),
    (Category.RENEWAL, ("Bonjour, j'arrive au bout de mon ordonnance de Metformine 1000 mg. "
     "Est-il possible de la renouveler ? Mes dernières analyses sont bonnes.")),
    (Category.RENEWAL, ("Bonjour, je voudrais le renouvellement de mon Amlodipine 5 mg et de mon "
     "Kardégic 75. Merci d'avance.")),
    (Category.RENEWAL, "Pourriez-vous me renouveler la Ventoline ? L'inhalateur est presque vide."),
    (Category.ADMINISTRATIVE, ("Bonjour, j'aurais besoin d'un certificat de non contre-indication "
     "au sport pour l'aquagym de la mairie.")),
    (Category.ADMINISTRATIVE, ("Bonjour, ma mutuelle me demande une attestation de suivi pour ma "
     "cure thermale. Pouvez-vous me la faire ?")),
    (Category.ADMINISTRATIVE, ("Bonjour, pouvez-vous m'indiquer les horaires d'ouverture pendant "
     "les vacances de Noël ?")),
    (Category.DOCUMENT, ("Bonjour, j'ai reçu les résultats de ma prise de sang de mardi. "
     "Je vous les envoie, le laboratoire m'a dit de vous les montrer.")),
    (Category.DOCUMENT, "Voici le compte rendu du cardiologue que j'ai vu la semaine dernière."),
    (Category.OTHER, ("Bonjour docteur, depuis le nouveau traitement j'ai des vertiges le matin. "
     "Faut-il que je prenne rendez-vous ?")),
    (Category.OTHER, ("Bonjour, mon fils a de la fièvre depuis hier soir (38,5). Dois-je "
     "l'amener au cabinet ou attendre ?")),
    (Category.OTHER, "J'ai une douleur thoracique depuis ce matin, que dois-je faire ?"),
]

# What a patient writes next in an open conversation.
FOLLOW_UPS: list[str] = [
    "Merci beaucoup docteur !",
    "Parfait, je passe la chercher demain matin.",
    "D'accord, je prends rendez-vous en ligne.",
    "Est-ce que je dois être à jeun pour la prise de sang ?",
    "Merci pour votre réponse rapide. Bonne journée.",
    "Je n'ai pas bien compris : je dois arrêter l'ancien traitement ?",
    "C'est noté, merci.",
    "Ma pharmacie demande l'ordonnance originale, est-ce possible ?",
]

# What the practice answered before the demo starts.
PRACTICE_REPLIES: list[str] = [
    "Bonjour, c'est fait : l'ordonnance vous attend à l'accueil du cabinet.",
    ("Bonjour, merci pour ces résultats, ils sont rassurants. Nous en reparlerons à la "
    "prochaine consultation."),
    ("Bonjour, pour ce symptôme il faut que je vous examine : merci de prendre rendez-vous "
    "cette semaine."),
    "Bonjour, le certificat est prêt, vous pouvez passer le chercher.",
]

# Every demo person's PIN (the sign-in screen says it in demo mode).
DEMO_PIN = "123456"
# The secrétariat: an assistant, not a practitioner (desktop.core.rights).
ASSISTANT = "Julie Moreau"

PRACTITIONERS: list[tuple[str, str, str | None, bool]] = [
    ("Dr Claire Dupont", "Médecin généraliste", "10003456789", True),
    ("Dr Marc Leroy", "Médecin généraliste", "10004567891", True),
    ("Sophie Bernard", "Infirmière", None, True),
    ("Julie Moreau", "Assistante médicale", None, False),
]
