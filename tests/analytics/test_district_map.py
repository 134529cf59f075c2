"""The city's district shapes for the analytics map: the demo city's are valid and named as its
districts; a wrong file is refused with its reason; a city without shapes has no map."""

import json

import pytest

from citizenbot.analytics.district_map import ShapesError, check_shapes, load_shapes
from tests.conftest import KB_DIR


def test_the_demo_city_has_schematic_shapes_of_its_districts():
    shapes = load_shapes(KB_DIR, "tampere")
    names = {feature["properties"]["name"] for feature in shapes["features"]}
    assert {"Keskusta", "Hervanta", "Kaleva"} <= names and len(names) >= 8
    assert "SCHEMATIC" in shapes["note"]


def test_a_city_without_shapes_has_no_map(tmp_path):
    (tmp_path / "city").mkdir()
    (tmp_path / "city" / "x.yml").write_text("city: x\n")
    assert load_shapes(tmp_path, "x") is None


def ring(lon=23.7, lat=61.5):
    return [[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat]]


@pytest.mark.parametrize("feature, reason", [
    ({"properties": {"name": "Atlantis"}, "geometry": {"type": "Polygon", "coordinates": [ring()]}}, "not a district"),
    ({"properties": {"name": "Amuri"}, "geometry": {"type": "Point", "coordinates": [23.7, 61.5]}}, "only Polygon"),
    ({"properties": {"name": "Amuri"}, "geometry": {"type": "Polygon", "coordinates": [ring()[:-1]]}}, "closed"),
    ({"properties": {"name": "Amuri"}, "geometry": {"type": "Polygon", "coordinates": [[[61.5, 123.7], *ring()[1:3], [61.5, 123.7]]]}}, "lon/lat"),
])
def test_wrong_shapes_are_refused(feature, reason):
    with pytest.raises(ShapesError, match=reason):
        check_shapes({"type": "FeatureCollection", "features": [{"type": "Feature", **feature}]}, {"Amuri"}, "f")


def test_a_shapes_file_outside_the_city_folder_is_refused(tmp_path):
    (tmp_path / "city").mkdir()
    (tmp_path / "secret.json").write_text(json.dumps({}))
    (tmp_path / "city" / "x.yml").write_text("analytics:\n  district_shapes: ../secret.json\n")
    with pytest.raises(ShapesError, match="next to it"):
        load_shapes(tmp_path, "x")
