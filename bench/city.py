"""Knowledge-base lookups at city scale: a synthetic city seeded through the project's own code.

The city (streets, districts, plans) is written as content files next to a copy of ``kb/`` and
loaded with ``citizenbot.seed.seed`` (the editors' path, with its checks); the fault reports are
bulk-inserted into the ``report`` table. Lookups go through the code the actions use:
``KnowledgeBase.best_name`` + ``street`` (the street answers), ``best_name`` + ``plan``,
``plans_in_district`` and ``ReportStore.get``. Street names are asked for in the nominative,
inflected ("...kadulla", "...tiellä", "...kadun") and misspelt, inside a resident's sentence.
"""

from __future__ import annotations

import csv
import random
import shutil
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import yaml
from sqlalchemy import delete, func, insert, select

from bench.stats import summary

# --- names ------------------------------------------------------------------------------------------

# first parts of compound street names (trees, nature, animals, trades, places)
FIRST = (
    "Koivu Kuusi Pihlaja Tammi Vaahtera Lehmus Haapa Leppä Mänty Kataja Kanerva Kielo Orvokki Ruusu "
    "Sammal Kallio Kivi Niitty Pelto Metsä Järvi Lampi Joki Puro Ranta Niemi Saari Kangas Harju "
    "Vuori Laakso Suvi Rinne Kumpu Kaski Tähti Kuu Aurinko Pilvi Tuuli Sade Lumi Routa Halla Kevät "
    "Kesä Syksy Talvi Karhu Susi Kettu Jänis Orava Kurki Joutsen Haukka Kotka Pöllö Tikka Seppä "
    "Mylly Kauppa Opin Pappila Lukkari Nahkuri Muurari Kirves Kalastaja Paimen Hovi Kartano Kirkko "
    "Koulu Asema Satama Tehdas Saha Tori Linna Silta Portti Pelti Hopea Kulta Rauta Vasara Kannel "
    "Ruis Ohra Kaura Vilja Apila Mansikka Mustikka Puolukka Lakka Omena Kirsikka Luumu Päärynä"
).split()
# middle parts in the genitive (the place the street is named after)
MIDDLE = (
    "mäen rinteen lahden niemen harjun kummun rannan puiston kylän kallion laakson salmen "
    "niityn pellon metsän lammen joen puron vuoren saaren kankaan ahon korven kosken"
).split()
# street-type words: nominative -> (adessive, genitive)
KINDS = {
    "katu": ("kadulla", "kadun"),
    "tie": ("tiellä", "tien"),
    "kuja": ("kujalla", "kujan"),
    "polku": ("polulla", "polun"),
    "raitti": ("raitilla", "raitin"),
    "kaari": ("kaarella", "kaaren"),
    "väylä": ("väylällä", "väylän"),
    "piha": ("pihalla", "pihan"),
}
DISTRICT_ENDINGS = ("la", "lä", "nmäki", "nranta", "nniemi", "nkylä", "nharju", "npuisto")
PLAN_KINDS = (
    ("asuinalue", "bostadsområde", "residential area"),
    ("täydennysrakentaminen", "kompletteringsbyggande", "infill development"),
    ("koulu ja päiväkoti", "skola och daghem", "school and day care"),
    ("liikekeskus", "affärscentrum", "shopping centre"),
    ("puisto", "park", "park"),
    ("kortteli", "kvarter", "block"),
)
STAGES = ("initiated", "draft", "proposal", "approved", "in_force", "appealed")
LOOKUP_VARIANTS = ("nominative", "inflected", "misspelt")

TEMPLATES = {
    "nominative": ("milloin {name} aurataan?", "onko {name} ykkösluokan katu", "{name} {number} on liukas"),
    "inflected": ("milloin {form} aurataan?", "{form} on tosi liukasta", "asun {form}, koska tulee aura"),
    "misspelt": ("milloin {form} aurataan?", "onks {form} jo aurattu", "{form} on liukasta"),
}


def _front(word: str) -> bool:
    """Finnish vowel harmony: front-vowel words take -ä endings."""
    return not any(c in word for c in "aouAOU")


def street_kind(name: str) -> str:
    for kind in sorted(KINDS, key=len, reverse=True):
        if name.lower().endswith(kind):
            return kind
    raise ValueError(f"not a synthetic street name: {name}")


def inflect(name: str, case: str) -> str:
    """The street name in the adessive ("Koivumäenkadulla") or genitive ("Koivumäenkadun")."""
    kind = street_kind(name)
    adessive, genitive = KINDS[kind]
    return name[: len(name) - len(kind)] + (adessive if case == "adessive" else genitive)


_NEIGHBOURS = {
    "a": "s", "e": "r", "i": "o", "o": "i", "u": "y", "k": "l", "t": "r", "n": "m", "m": "n",
    "l": "k", "s": "a", "r": "t", "p": "o", "v": "b", "h": "j", "j": "h", "y": "u", "ä": "a", "ö": "o",
}


def misspell(word: str, rng: random.Random) -> str:
    """One typing error after the first three letters (the name index blocks on those three)."""
    if len(word) < 7:
        return word
    i = rng.randrange(4, len(word) - 2)
    op = rng.choice(("delete", "swap", "substitute", "double"))
    if op == "delete":
        out = word[:i] + word[i + 1:]
    elif op == "swap":
        out = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif op == "substitute":
        out = word[:i] + _NEIGHBOURS.get(word[i], "e") + word[i + 1:]
    else:
        out = word[:i] + word[i] + word[i:]
    return out if out != word else word[:i] + word[i + 1:]


@dataclass
class City:
    districts: list[str]
    streets: list[dict[str, str]]  # name_fi, district, maintenance_class
    plans: list[dict]


def generate(n_streets: int, n_plans: int, n_districts: int, classes: list[str], seed: int = 7,
             taken: set[str] | None = None) -> City:
    """A deterministic synthetic city (names distinct from ``taken``, the real demo names)."""
    rng = random.Random(seed)
    taken = {t.lower() for t in (taken or set())}
    districts = sorted({
        first + (("lä" if _front(first) else "la") if ending in ("la", "lä") else ending)
        for first in FIRST for ending in DISTRICT_ENDINGS
    } - {""})
    districts = [d for d in districts if d.lower() not in taken]
    rng.shuffle(districts)
    districts = districts[:n_districts]
    combos = [(f, m, k) for f in FIRST for m in ["", *MIDDLE] for k in KINDS]
    if n_streets > len(combos):
        raise ValueError(f"at most {len(combos)} synthetic streets")
    rng.shuffle(combos)
    streets = []
    for first, middle, kind in combos:
        name = first + middle + kind
        if name.lower() in taken:
            continue
        streets.append({"name_fi": name, "district": rng.choice(districts), "maintenance_class": rng.choice(classes)})
        if len(streets) == n_streets:
            break
    plans = []
    seen: set[str] = set()
    number = 20000
    while len(plans) < n_plans:
        place = rng.choice(FIRST) + rng.choice(MIDDLE)
        kind = rng.choice(PLAN_KINDS)
        name_fi = f"{place[0].upper()}{place[1:]} {kind[0]}"
        if name_fi in seen:
            continue
        seen.add(name_fi)
        number += 1
        district = rng.choice(districts)
        plans.append({
            "number": str(number),
            "name": {"fi": name_fi, "sv": f"{place} {kind[1]}", "en": f"{place} {kind[2]}"},
            "district": district,
            "stage": rng.choice(STAGES),
            "next_step": {"fi": "nähtäville", "sv": "framläggning", "en": "public display"},
            "next_date": f"2027-{rng.randint(1, 12):02d}",
            "planner": {"name": f"Suunnittelija {number % 97}",
                        "title": {"fi": "kaavoitusarkkitehti", "sv": "planläggningsarkitekt", "en": "planning architect"},
                        "email": f"planner{number % 97}@example.invalid"},
            "url": "https://www.example.invalid/plans",
        })
    return City(districts, streets, plans)


def write_content(source_kb: Path, target: Path, city: City) -> None:
    """A copy of kb/ with the synthetic city appended to the demo streets, districts and plans."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source_kb, target)
    with open(target / "districts.csv", "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for name in city.districts:
            writer.writerow([name, "", "", ""])
    with open(target / "streets.csv", "a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for s in city.streets:
            writer.writerow([s["name_fi"], "", s["district"], s["maintenance_class"]])
    plans = yaml.safe_load((target / "plans.yml").read_text(encoding="utf-8")) or {"plans": []}
    plans["plans"] = list(plans.get("plans") or []) + city.plans
    (target / "plans.yml").write_text(yaml.safe_dump(plans, allow_unicode=True, sort_keys=False), encoding="utf-8")


def fill_reports(database, count: int, streets: list[dict[str, str]], seed: int = 11, chunk: int = 10_000) -> None:
    """``count`` fault reports in one bulk insert per chunk (the ``report`` table, as filed by the chat)."""
    from citizenbot.store.models import Report, utcnow

    rng = random.Random(seed)
    categories = ("maintenance.pothole", "maintenance.street_light", "maintenance.litter_bin", "maintenance.graffiti",
                  "maintenance.traffic_sign", "maintenance.park", "maintenance.tree", "maintenance.stormwater")
    statuses = ("received", "sent", "open", "in_process", "closed")
    now = utcnow()
    with database.session() as session:
        session.execute(delete(Report))
    written = 0
    while written < count:
        rows = []
        for _ in range(min(chunk, count - written)):
            created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            rows.append({
                "category": rng.choice(categories),
                "location": f"{rng.choice(streets)['name_fi']} {rng.randint(1, 80)}",
                "description": "kuoppa ajoradalla" if rng.random() < 0.5 else None,
                "contact": None, "lang": rng.choice(("fi", "fi", "fi", "sv", "en")), "conversation_id": None,
                "status": rng.choice(statuses), "created_at": created, "updated_at": created,
                "sync_state": "local", "attempts": 0,
            })
        with database.session() as session:
            session.execute(insert(Report), rows)
        written += len(rows)


# --- queries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str  # street:<variant> | plan | district_plans | report
    text: str
    expected: str  # street name / plan number / district / report number


def street_queries(streets: list[dict[str, str]], per_variant: int, seed: int = 3) -> list[Query]:
    rng = random.Random(seed)
    out = []
    for variant in LOOKUP_VARIANTS:
        for street in rng.sample(streets, min(per_variant, len(streets))):
            name = street["name_fi"]
            template = rng.choice(TEMPLATES[variant])
            if variant == "nominative":
                form = name
            elif variant == "inflected":
                form = inflect(name, "genitive" if rng.random() < 0.3 else "adessive")
            else:
                form = misspell(inflect(name, "adessive") if rng.random() < 0.5 else name, rng)
            text = template.format(name=name, form=form, number=rng.randint(1, 60))
            out.append(Query(f"street:{variant}", text, name))
    return out


def plan_queries(plans: list[dict], n: int, seed: int = 5) -> list[Query]:
    rng = random.Random(seed)
    return [Query("plan", f"mikä on {p['name']['fi']} -kaavan tilanne", p["number"])
            for p in rng.sample(plans, min(n, len(plans)))]


def time_queries(kb, reports, queries: list[Query], district_sample: list[str], report_numbers: list[int]) -> dict:
    """Run every lookup once; latency (s) and whether the right row was found, per kind."""
    times: dict[str, list[float]] = {}
    matching: dict[str, list[float]] = {}  # the name-matching part (best_name) of the same lookups
    right: dict[str, int] = {}
    for q in queries:
        begin = time.perf_counter()
        if q.kind.startswith("street"):
            match = kb.best_name(q.text, ["street"], "fi")
            matched = time.perf_counter()
            row = kb.street(match.entry.key) if match else None
            found = row["name_fi"] if row else None
        else:  # plan
            match = kb.best_name(q.text, ["plan"], "fi")
            matched = time.perf_counter()
            row = kb.plan(match.entry.key) if match else None
            found = row["number"] if row else None
        times.setdefault(q.kind, []).append(time.perf_counter() - begin)
        matching.setdefault(q.kind, []).append(matched - begin)
        right[q.kind] = right.get(q.kind, 0) + (found == q.expected)
    for district in district_sample:
        begin = time.perf_counter()
        plans = kb.plans_in_district(district)
        times.setdefault("district_plans", []).append(time.perf_counter() - begin)
        right["district_plans"] = right.get("district_plans", 0) + (all(p["district"] == district for p in plans))
    for number in report_numbers:
        begin = time.perf_counter()
        view = reports.get(number)
        times.setdefault("report", []).append(time.perf_counter() - begin)
        right["report"] = right.get("report", 0) + (view is not None and view.number == number)
    out = {kind: {**summary(values), "right": right.get(kind, 0)} for kind, values in times.items()}
    for kind, values in matching.items():
        m = summary(values)
        out[kind]["matching_p50"], out[kind]["matching_p95"] = m["p50"], m["p95"]
    return out


def raw_baseline(database, street_names: list[str], report_ids: list[int]) -> dict:
    """The floor under every lookup: the same rows fetched with one SQL statement through the
    database driver itself (no ORM, no session, no name matching), in the same run."""
    sqlite = database.engine.url.get_backend_name() == "sqlite"
    mark = "?" if sqlite else "%s"
    connection = database.engine.raw_connection()
    times: dict[str, list[float]] = {"raw:street": [], "raw:report": []}
    found = {"raw:street": 0, "raw:report": 0}
    try:
        cursor = connection.cursor()
        for kind, sql, keys in (("raw:street", f"SELECT * FROM kb_street WHERE name_fi = {mark}", street_names),
                                ("raw:report", f"SELECT * FROM report WHERE id = {mark}", report_ids)):
            for key in keys:
                begin = time.perf_counter()
                cursor.execute(sql, (key,))
                rows = cursor.fetchall()
                times[kind].append(time.perf_counter() - begin)
                found[kind] += len(rows) == 1
        cursor.close()
    finally:
        connection.close()
    return {kind: {**summary(values), "right": found[kind]} for kind, values in times.items()}


def bench_backend(name: str, url: str, content_dir: Path, city: City, n_reports: int, queries: list[Query],
                  n_district_queries: int, n_report_queries: int, log=print) -> dict:
    from citizenbot.kb import KnowledgeBase
    from citizenbot.reports import ReportStore
    from citizenbot.seed import seed
    from citizenbot.settings import get_settings
    from citizenbot.store.db import Database
    from citizenbot.store.models import Report, Street

    database = Database(url)
    try:
        database.create_schema()
        begin = time.perf_counter()
        seed(database, content_dir, get_settings().city, force=True)
        seed_seconds = time.perf_counter() - begin
        begin = time.perf_counter()
        fill_reports(database, n_reports, city.streets)
        reports_seconds = time.perf_counter() - begin
        with database.session() as session:
            counts = {"streets": session.scalar(select(func.count()).select_from(Street)),
                      "reports": session.scalar(select(func.count()).select_from(Report))}
            ids = list(session.execute(select(Report.id)).scalars())
        log(f"  {name}: seeded {counts['streets']} streets in {seed_seconds:.1f} s, {counts['reports']} reports in {reports_seconds:.1f} s")
        kb = KnowledgeBase(database)
        from citizenbot.text import lemma

        lemma("kadulla", "fi")  # simplemma's dictionaries load once per process: not part of the index
        begin = time.perf_counter()
        kb.best_name("Hämeenkadulla", ["street"], "fi")  # builds the name index (first lookup after a seed)
        index_seconds = time.perf_counter() - begin
        rng = random.Random(13)
        district_sample = [rng.choice(city.districts) for _ in range(n_district_queries)]
        report_numbers = [i + 1000 for i in rng.sample(ids, min(n_report_queries, len(ids)))]
        # one untimed warm-up pass over a few queries (connection pool, statement caches)
        time_queries(kb, ReportStore(database), queries[:20], district_sample[:5], report_numbers[:5])
        results = time_queries(kb, ReportStore(database), queries, district_sample, report_numbers)
        results.update(raw_baseline(database, [q.expected for q in queries if q.kind.startswith("street")],
                                    [n - 1000 for n in report_numbers]))
        return {"backend": name, "seed_seconds": seed_seconds, "reports_seconds": reports_seconds,
                "index_build_seconds": index_seconds, "index_size": kb._current().names.size, "counts": counts,
                "lookups": results}
    finally:
        database.dispose()


def run(project_root: Path, work: Path, quick: bool, postgres_url: str | None, log=print) -> dict:
    from citizenbot.settings import get_settings

    sizes = ({"streets": 400, "plans": 100, "districts": 20, "reports": 2000, "per_variant": 30, "plan_queries": 30,
              "district_queries": 30, "report_queries": 50}
             if quick else
             {"streets": 20_000, "plans": 5_000, "districts": 150, "reports": 100_000, "per_variant": 500,
              "plan_queries": 500, "district_queries": 500, "report_queries": 1000})
    kb_dir = get_settings().kb_dir
    classes = list((yaml.safe_load((kb_dir / "maintenance_classes.yml").read_text(encoding="utf-8"))["classes"]).keys())
    with open(kb_dir / "streets.csv", encoding="utf-8") as handle:
        taken = {row["name_fi"] for row in csv.DictReader(handle)}
    with open(kb_dir / "districts.csv", encoding="utf-8") as handle:
        taken |= {row["name_fi"] for row in csv.DictReader(handle)}
    begin = time.perf_counter()
    with open(kb_dir / "streets.csv", encoding="utf-8") as handle:
        demo_streets = sum(1 for _ in csv.DictReader(handle))
    # the city has sizes["streets"] streets in all: the demo city's and synthetic ones
    city = generate(sizes["streets"] - demo_streets, sizes["plans"], sizes["districts"], [str(c) for c in classes],
                    taken=taken)
    content_dir = work / "kb"
    write_content(kb_dir, content_dir, city)
    log(f"  synthetic city: {len(city.streets)} streets, {len(city.plans)} plans, {len(city.districts)} districts "
        f"(+ the demo city's), written in {time.perf_counter() - begin:.1f} s")
    queries = street_queries(city.streets, sizes["per_variant"]) + plan_queries(city.plans, sizes["plan_queries"])
    backends = [("SQLite", f"sqlite:///{work / 'city.db'}")]
    if postgres_url:
        backends.append(("PostgreSQL", postgres_url))
    if (work / "city.db").exists():
        (work / "city.db").unlink()
    results = []
    for name, url in backends:
        results.append(bench_backend(name, url, content_dir, city, sizes["reports"], queries,
                                     sizes["district_queries"], sizes["report_queries"], log=log))
    examples = {}
    for q in queries:
        examples.setdefault(q.kind, q.text)
    return {"quick": quick, "sizes": sizes, "backends": results, "postgres": bool(postgres_url),
            "examples": examples}
