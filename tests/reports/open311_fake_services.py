"""The service list of the fake Open311 server (``open311_fake``): codes, localised names, notices.

Default service codes (the demo codes of ``kb/city/tampere.yml``)::

    171 potholes        172 street lights   173 traffic lights   174 traffic signs
    175 trees           176 playgrounds     177 litter bins      178 graffiti
    179 abandoned vehicles                  180 storm water      199 other
"""

from __future__ import annotations

__all__ = ["DEFAULT_SERVICES", "LOCALES", "NOTICES", "default_services", "locale_of"]

LOCALES = ("fi", "sv", "en")

# code, group (fi, sv, en), name (fi, sv, en), keywords
_SERVICE_TABLE: list[tuple[str, tuple[str, str, str], tuple[str, str, str], str]] = [
    (
        "171",
        ("Katujen kunnossapito", "Gatuunderhåll", "Street maintenance"),
        (
            "Kuoppa tai päällystevaurio",
            "Grop eller beläggningsskada",
            "Pothole or damaged pavement",
        ),
        "kuoppa,reikä,asfaltti,päällyste,grop,pothole",
    ),
    (
        "172",
        ("Katujen kunnossapito", "Gatuunderhåll", "Street maintenance"),
        ("Katuvalo", "Gatubelysning", "Street light"),
        "katuvalo,valaisin,pimeä,gatlykta,street light",
    ),
    (
        "173",
        ("Liikenne", "Trafik", "Traffic"),
        ("Liikennevalot", "Trafikljus", "Traffic lights"),
        "liikennevalo,valot,trafikljus,traffic light",
    ),
    (
        "174",
        ("Liikenne", "Trafik", "Traffic"),
        ("Liikennemerkki", "Trafikmärke", "Traffic sign"),
        "liikennemerkki,merkki,kyltti,trafikmärke,sign",
    ),
    (
        "175",
        ("Puistot ja viheralueet", "Parker och grönområden", "Parks and green areas"),
        ("Puu", "Träd", "Tree"),
        "puu,oksa,kaatunut,träd,tree",
    ),
    (
        "176",
        ("Puistot ja viheralueet", "Parker och grönområden", "Parks and green areas"),
        ("Leikkipaikka", "Lekplats", "Playground"),
        "leikkipaikka,keinu,liukumäki,lekplats,playground",
    ),
    (
        "177",
        ("Puhtaanapito", "Renhållning", "Cleaning"),
        ("Roska-astia", "Papperskorg", "Litter bin"),
        "roska-astia,roskis,täynnä,papperskorg,litter bin",
    ),
    (
        "178",
        ("Puhtaanapito", "Renhållning", "Cleaning"),
        ("Töhry tai graffiti", "Klotter", "Graffiti"),
        "töhry,graffiti,klotter,tagi",
    ),
    (
        "179",
        ("Liikenne", "Trafik", "Traffic"),
        ("Hylätty ajoneuvo", "Övergivet fordon", "Abandoned vehicle"),
        "hylätty,auto,romu,fordon,abandoned vehicle",
    ),
    (
        "180",
        ("Katujen kunnossapito", "Gatuunderhåll", "Street maintenance"),
        ("Hulevesi tai sadevesikaivo", "Dagvatten eller brunn", "Storm water or drain"),
        "hulevesi,sadevesi,kaivo,tulva,dagvatten,storm water",
    ),
    (
        "199",
        ("Muut", "Övrigt", "Other"),
        ("Muu palaute", "Övrig respons", "Other feedback"),
        "muu,övrigt,other",
    ),
]

NOTICES = {
    "fi": "Kiitos palautteestasi. Käsittelemme sen mahdollisimman pian.",
    "sv": "Tack för din respons. Vi behandlar den så snart som möjligt.",
    "en": "Thank you for your feedback. We will handle it as soon as possible.",
}


def locale_of(value: str | None) -> str:
    value = (value or "").strip().lower()[:2]
    return value if value in LOCALES else "fi"


def default_services(locale: str | None = "fi") -> list[dict]:
    """The default street-maintenance service list, localised (fi, sv or en)."""
    i = LOCALES.index(locale_of(locale))
    return [
        {
            "service_code": code,
            "service_name": names[i],
            "description": names[i],
            "metadata": False,
            "type": "realtime",
            "keywords": keywords,
            "group": groups[i],
        }
        for code, groups, names, keywords in _SERVICE_TABLE
    ]


DEFAULT_SERVICES: list[dict] = default_services("fi")
