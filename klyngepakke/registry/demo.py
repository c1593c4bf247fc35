"""The synthetic demo country: a deterministic plan from a seed. Pure, no database.

Every name is drawn at random from lists of common Danish first names and surnames, and
practice names from street names, so no real person or practice is intended. Cluster
names use real town and area names, which are places, not people. E-mail addresses
use the reserved `.example` top-level domain (RFC 2606) and can never be delivered.

Figures follow docs/domain.md: 5 regions, 115 clusters shared by population, 10-73
doctors per cluster with a mean near 29.5, about 3,400-3,500 doctors in all.
services.seed_demo writes the plan; docs/demo.md describes it and the demo logins.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .csv_format import normalise_label
from .models import ClusterAssignment, Member, Practice

DEFAULT_SEED = 2026
EMAIL_DOMAIN = "laege.example"

# Published on purpose (docs/demo.md): demo data only, and seed_demo refuses to run
# unless DEBUG is on. Long enough for the project's password validators.
DEMO_PASSWORD = "demo-klynge-2026"  # noqa: S105
# 20 bytes ("klyngepakke-demo-key" in hex) so a developer can add it to an authenticator app.
DEMO_TOTP_KEY_HEX = b"klyngepakke-demo-key".hex()
DEMO_TOTP_DEVICE_NAME = "Demo-nøgle"

# Clusters per region, roughly in proportion to the population (2024: Hovedstaden 1.9 M,
# Midtjylland 1.4 M, Syddanmark 1.2 M, Sjælland 0.85 M, Nordjylland 0.6 M).
CLUSTERS_PER_REGION = {
    "hovedstaden": 37,
    "midtjylland": 26,
    "syddanmark": 24,
    "sjaelland": 16,
    "nordjylland": 12,
}
MIN_DOCTORS, MAX_DOCTORS = 10, 73
# A quarter of the DOCTORS (not of the practices) work in solo practice, as the domain
# states "a quarter in solo practice" about GPs; solo practices are then ~60 % of practices.
SOLO_SHARE_OF_DOCTORS = 0.25
PARTNERSHIP_SIZES = (2, 3, 4, 5, 6)
PARTNERSHIP_WEIGHTS = (30, 30, 20, 12, 8)

AREAS = {
    "hovedstaden": (
        "Amager Øst", "Amager Vest", "Østerbro", "Nørrebro", "Vesterbro", "Valby", "Vanløse",
        "Brønshøj", "Bispebjerg", "Indre By", "Frederiksberg Nord", "Frederiksberg Syd",
        "Gentofte", "Lyngby-Taarbæk", "Gladsaxe", "Herlev", "Ballerup", "Rødovre", "Hvidovre",
        "Brøndby", "Glostrup", "Albertslund", "Ishøj", "Vallensbæk", "Tårnby", "Dragør", "Furesø",
        "Allerød", "Hillerød", "Fredensborg", "Helsingør", "Gribskov", "Halsnæs", "Frederikssund",
        "Egedal", "Rudersdal", "Hørsholm", "Bornholm", "Sydhavnen", "Høje-Taastrup", "Nordhavn",
    ),
    "midtjylland": (
        "Aarhus Midtby", "Aarhus Nord", "Aarhus Syd", "Aarhus Vest", "Randers Nord", "Randers Syd",
        "Norddjurs", "Syddjurs", "Favrskov", "Skanderborg", "Odder", "Samsø", "Silkeborg", "Horsens",
        "Hedensted", "Herning", "Ikast-Brande", "Ringkøbing-Skjern", "Holstebro", "Struer", "Lemvig",
        "Skive", "Viborg", "Hammel", "Ebeltoft", "Grenaa", "Brabrand", "Viby",
    ),
    "syddanmark": (
        "Odense Nord", "Odense Syd", "Odense Øst", "Odense Vest", "Vestfyn", "Nordfyn", "Svendborg",
        "Faaborg-Midtfyn", "Nyborg", "Kerteminde", "Ærø", "Langeland", "Middelfart", "Assens",
        "Kolding", "Vejle", "Fredericia", "Billund", "Esbjerg", "Varde", "Vejen", "Haderslev",
        "Aabenraa", "Sønderborg", "Tønder", "Fanø", "Grindsted",
    ),
    "sjaelland": (
        "Roskilde", "Køge", "Greve", "Solrød", "Stevns", "Faxe", "Næstved", "Vordingborg", "Møn",
        "Guldborgsund", "Lolland", "Slagelse", "Sorø", "Ringsted", "Holbæk", "Kalundborg",
        "Odsherred", "Lejre",
    ),
    "nordjylland": (
        "Aalborg Øst", "Aalborg Vest", "Aalborg Syd", "Aalborg Midtby", "Hjørring", "Frederikshavn",
        "Brønderslev", "Jammerbugt", "Thisted", "Morsø", "Vesthimmerland", "Rebild", "Mariagerfjord",
        "Læsø",
    ),
}  # fmt: skip

FIRST_NAMES = (
    "Anne", "Kirsten", "Hanne", "Mette", "Susanne", "Lene", "Camilla", "Maria", "Louise",
    "Charlotte", "Pia", "Tina", "Marianne", "Helle", "Karen", "Line", "Julie", "Sofie", "Ida",
    "Emma", "Katrine", "Signe", "Cecilie", "Birgitte", "Lone", "Trine", "Rikke", "Maja", "Sara",
    "Anna", "Nanna", "Astrid", "Inge", "Bente", "Dorthe", "Malene", "Stine", "Ditte", "Mathilde",
    "Laura", "Peter", "Jens", "Lars", "Michael", "Henrik", "Søren", "Thomas", "Jan", "Niels",
    "Morten", "Jesper", "Anders", "Rasmus", "Martin", "Christian", "Mads", "Jakob", "Mikkel",
    "Frederik", "Kasper", "Ole", "Poul", "Torben", "Bo", "Steen", "Jørgen", "Kim", "Mogens",
    "Troels", "Esben", "Jonas", "Simon", "Emil", "Nikolaj", "Kristian", "Claus", "Erik", "Hans",
    "Bjørn", "Kåre", "Asger", "Ulla", "Gitte", "Jette",
)  # fmt: skip
MIDDLE_NAMES = ("Møller", "Juul", "Bach", "Holm", "Skov", "Kjær", "Lund", "Dahl", "Krogh", "Brandt", "Munk", "Friis")
SURNAMES = (
    "Nielsen", "Jensen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen",
    "Christiansen", "Poulsen", "Johansen", "Møller", "Mortensen", "Knudsen", "Jakobsen",
    "Mikkelsen", "Olesen", "Frederiksen", "Laursen", "Henriksen", "Lund", "Schmidt", "Eriksen",
    "Holm", "Kristiansen", "Clausen", "Simonsen", "Svendsen", "Andreasen", "Iversen",
    "Østergaard", "Jeppesen", "Vestergaard", "Nissen", "Lauridsen", "Kjær", "Jespersen",
    "Mogensen", "Skov", "Søndergaard", "Bach", "Dam", "Kjeldsen", "Carlsen", "Friis",
    "Bertelsen", "Bang", "Dahl", "Lassen", "Berg", "Toft", "Winther", "Ravn",
)  # fmt: skip
PRACTICE_PREFIXES = ("Lægehuset", "Lægerne", "Lægeklinikken", "Lægecentret")
STREETS = (
    "Torvet", "Kirkevej", "Stationsvej", "Østergade", "Vestergade", "Nørregade", "Søndergade",
    "Algade", "Skolevej", "Møllevej", "Bredgade", "Havnegade", "Parkvej", "Skovvej", "Strandvejen",
    "Jernbanegade", "Kongensgade", "Bygaden", "Engvej", "Åvej", "Lindealle", "Bakkevej",
    "Sundhedshuset", "Vænget", "Centervej",
)  # fmt: skip


@dataclass(frozen=True)
class DemoMember:
    name: str
    email: str
    role: str = Member.Role.GP
    active: bool = True


@dataclass
class DemoPractice:
    code: str
    name: str
    kind: str
    members: list[DemoMember] = field(default_factory=list)


@dataclass
class DemoCluster:
    code: str
    name: str
    region: str
    practices: list[DemoPractice] = field(default_factory=list)

    @property
    def doctor_count(self) -> int:
        return sum(len(p.members) for p in self.practices)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    is_staff: bool
    assignments: tuple[tuple[str, str], ...]  # (cluster code, ClusterAssignment.Role)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise_label(text)).strip("-")


def plan_country(seed: int = DEFAULT_SEED) -> list[DemoCluster]:
    """The whole demo country for `seed`; the same seed always gives the same country."""
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    clusters = []
    for region, count in CLUSTERS_PER_REGION.items():
        for area in sorted(rng.sample(AREAS[region], count)):
            clusters.append(DemoCluster(code=slug(area), name=f"Klynge {area}", region=region))
    sizes = _cluster_sizes(rng, len(clusters))
    emails: set[str] = set()
    for cluster, size in zip(clusters, sizes, strict=True):
        cluster.practices = _practices(rng, cluster, size, emails)
    return clusters


def _cluster_sizes(rng: random.Random, count: int) -> list[int]:
    """Doctors per cluster: skewed like the real spread, pinned to 10 and 73 at the ends,
    then nudged so the total lands in 3,400-3,460 (mean ~29.6-30.1)."""
    shape = 7.0  # gamma with mean ~29.5 and spread ~11
    sizes = [min(MAX_DOCTORS, max(MIN_DOCTORS, round(rng.gammavariate(shape, 29.5 / shape)))) for _ in range(count)]
    smallest = sizes.index(min(sizes))
    largest = sizes.index(max(sizes))
    sizes[smallest], sizes[largest] = MIN_DOCTORS, MAX_DOCTORS
    target = 3400 + rng.randint(0, 60)
    free = [i for i in range(count) if i not in (smallest, largest)]
    while (gap := target - sum(sizes)) != 0:
        i = rng.choice(free)
        step = 1 if gap > 0 else -1
        if MIN_DOCTORS < sizes[i] + step < MAX_DOCTORS:
            sizes[i] += step
    return sizes


def _partnership_sizes(rng: random.Random, doctors: int) -> list[int]:
    """Split `doctors` (never 1) into partnerships of 2-6."""
    sizes = []
    left = doctors
    while left > 0:
        size = min(rng.choices(PARTNERSHIP_SIZES, PARTNERSHIP_WEIGHTS)[0], left)
        if left - size == 1:  # a lone doctor is no partnership: grow this one or leave two
            size = size + 1 if size < PARTNERSHIP_SIZES[-1] else size - 1
        sizes.append(size)
        left -= size
    return sizes


def _practices(rng: random.Random, cluster: DemoCluster, doctors: int, emails: set[str]) -> list[DemoPractice]:
    share = min(0.5, max(0.05, rng.gauss(SOLO_SHARE_OF_DOCTORS, 0.08)))
    solo = round(doctors * share)
    if doctors - solo == 1:
        solo += 1
    layout = [1] * solo + _partnership_sizes(rng, doctors - solo)
    rng.shuffle(layout)
    practices = []
    used_names: set[str] = set()
    for number, size in enumerate(layout, start=1):
        members = [_member(rng, emails, first_in_practice=i == 0) for i in range(size)]
        if size == 1:
            kind, name = Practice.Kind.SOLO, f"Læge {members[0].name}"
        else:
            kind = Practice.Kind.PARTNERSHIP
            name = f"{rng.choice(PRACTICE_PREFIXES)} {rng.choice(STREETS)}"
            while name in used_names:
                name = f"{rng.choice(PRACTICE_PREFIXES)} {rng.choice(STREETS)}"
        used_names.add(name)
        practices.append(DemoPractice(code=f"{cluster.code}-{number:02d}", name=name, kind=kind, members=members))
    return practices


def _member(rng: random.Random, emails: set[str], *, first_in_practice: bool) -> DemoMember:
    first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
    middle = rng.choice(MIDDLE_NAMES) if rng.random() < 0.3 else ""
    if middle == last:
        middle = ""
    name = " ".join(part for part in (first, middle, last) if part)
    local = ".".join(slug(part) for part in (first, middle, last) if part)
    email, n = f"{local}@{EMAIL_DOMAIN}", 1
    while email in emails:
        n += 1
        email = f"{local}{n}@{EMAIL_DOMAIN}"
    emails.add(email)
    # The practice's first doctor is a GP (the owner); the others now and then an
    # employed doctor or a doctor in training, and a few have left (inactive).
    draw = rng.random()
    role = Member.Role.GP
    if not first_in_practice and draw < 0.05:
        role = Member.Role.EMPLOYED
    elif not first_in_practice and draw < 0.09:
        role = Member.Role.TRAINEE
    return DemoMember(name=name, email=email, role=role, active=rng.random() >= 0.015)


def plan_logins(clusters: list[DemoCluster]) -> list[DemoLogin]:
    """The demo logins and their clusters, chosen by rule from the plan: koordinator has a
    typical cluster (size nearest 29) in Hovedstaden and one in Syddanmark, koordinator2
    the smallest cluster (10 doctors, to show how small groups are protected), and the
    facilitator is invited to koordinator's Hovedstaden cluster, as a regional unit would be."""

    def typical(region: str) -> str:
        in_region = [c for c in clusters if c.region == region]
        return min(in_region, key=lambda c: (abs(c.doctor_count - 29), c.code)).code

    smallest = min(clusters, key=lambda c: (c.doctor_count, c.code)).code
    coordinator, facilitator = ClusterAssignment.Role.COORDINATOR, ClusterAssignment.Role.FACILITATOR
    return [
        DemoLogin("konsulent", True, ()),
        DemoLogin("koordinator", False, ((typical("hovedstaden"), coordinator), (typical("syddanmark"), coordinator))),
        DemoLogin("koordinator2", False, ((smallest, coordinator),)),
        DemoLogin("facilitator", False, ((typical("hovedstaden"), facilitator),)),
    ]


DEMO_USERNAMES = ["konsulent", "koordinator", "koordinator2", "facilitator"]
