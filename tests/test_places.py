"""Points of report places: a known address or venue gets the city's point, a street alone or an
unknown place none, and a point that cannot be right is refused when the content is loaded."""

import pytest
import yaml

from citizenbot.content import ContentError, load_content
from citizenbot.kb import KnowledgeBase
from citizenbot.places import house_number, point, point_of
from citizenbot.seed import seed
from citizenbot.store.db import Database

from .test_content import copy_kb

POINTS = "street,number,lat,long\nTeiskontie,12,61.5040,23.8040\nHämeenkatu,10 b,61.4979,23.7610\n"


def with_points(tmp_path, points: str = POINTS, venue_point=(61.5190, 23.8230)):
    kb = copy_kb(tmp_path)
    (kb / "address_points.csv").write_text(points, encoding="utf-8")
    if venue_point:
        path = kb / "outdoor_sports.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["venues"][0]["lat"], data["venues"][0]["long"] = venue_point
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return kb


@pytest.mark.parametrize("given, expected", [("12", "12"), ("12a", "12A"), ("10 b", "10B"), ("12-14", None),
                                             ("", None), ("A", None), ("12345", None)])
def test_house_numbers_are_normalised(given, expected):
    assert house_number(given) == expected


def test_a_point_must_be_in_finland_and_complete():
    assert point(None, "", "x") is None
    assert point("61.5", "23.8", "x") == (61.5, 23.8)
    for lat, long, message in ((61.5, None, "together"), ("north", 23.8, "numbers"), (23.8, 61.5, "not in Finland"),
                               (6825000, 327000, "not in Finland"), (float("nan"), 23.8, "not in Finland")):
        with pytest.raises(ValueError, match=message):
            point(lat, long, "x")


@pytest.mark.parametrize("points, message", [
    ("street,number,lat,long\nOlematonkatu,1,61.5,23.8\n", "unknown street 'Olematonkatu'"),
    ("street,number,lat,long\nTeiskontie,12-14,61.5,23.8\n", "not a house number"),
    ("street,number,lat,long\nTeiskontie,12,61.5,23.8\nTeiskontie,12,61.6,23.8\n", "listed twice"),
    ("street,number,lat,long\nTeiskontie,12,23.8,61.5\n", "not in Finland"),
    ("street,number,lat,long\nTeiskontie,12,,\n", "required"),
])
def test_a_wrong_address_point_is_reported_with_its_line(tmp_path, points, message):
    with pytest.raises(ContentError, match=message):
        load_content(with_points(tmp_path, points, venue_point=None), "tampere")


def test_a_venue_point_out_of_finland_is_reported(tmp_path):
    with pytest.raises(ContentError, match="venue .*not in Finland"):
        load_content(with_points(tmp_path, venue_point=(0.0, 0.0)), "tampere")


def test_a_known_address_or_venue_gets_its_point_a_street_alone_none(tmp_path):
    kb_dir = with_points(tmp_path)
    database = Database(f"sqlite:///{tmp_path / 'points.db'}")
    database.create_schema()
    seed(database, kb_dir, "tampere")
    kb = KnowledgeBase(database)
    venue = yaml.safe_load((kb_dir / "outdoor_sports.yml").read_text(encoding="utf-8"))["venues"][0]
    assert point_of(kb, "Teiskontie 12", "fi") == (61.504, 23.804)
    assert point_of(kb, "Teiskontiellä 12 bussipysäkin kohdalla", "fi") == (61.504, 23.804)
    assert point_of(kb, "Hämeenkatu 10b", "fi") == (61.4979, 23.761)
    assert point_of(kb, "Tavastgatan 10B", "sv") == (61.4979, 23.761)  # the Swedish name of the street
    assert point_of(kb, "Teiskontie", "fi") is None  # a street is a line: no point without a number
    assert point_of(kb, "Teiskontie 99", "fi") is None  # not in the register
    assert point_of(kb, "kotini edessä", "fi") is None and point_of(kb, None) is None
    assert point_of(kb, venue["name"]["fi"], "fi") == (61.519, 23.823)
    database.dispose()
