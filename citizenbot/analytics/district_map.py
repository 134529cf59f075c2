"""The city's district shapes for the analytics page's map (GeoJSON named in the city
configuration, ``analytics.district_shapes``, next to it under ``kb/city/``).

Checked when read: polygons only, each named (``properties.name``) as a district of
``kb/districts.csv`` so the map's areas match the roll-up's districts. A city without shapes gets
no map: the page shows the districts as bars and a table.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import yaml

POLYGONS = ("Polygon", "MultiPolygon")


class ShapesError(ValueError):
    pass


def load_shapes(kb_dir: Path, city: str) -> dict[str, Any] | None:
    """The city's district shapes as a GeoJSON FeatureCollection; None when it has none."""
    kb_dir = Path(kb_dir)
    config_path = kb_dir / "city" / f"{city}.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8")) if config_path.exists() else None
    name = ((config or {}).get("analytics") or {}).get("district_shapes")
    if not name:
        return None
    path = (kb_dir / "city" / str(name)).resolve()
    if path.parent != (kb_dir / "city").resolve():
        raise ShapesError(f"{config_path}: district_shapes must be a file next to it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ShapesError(f"{path}: {exc}") from exc
    check_shapes(data, _district_names(kb_dir), str(path))
    return data


def _district_names(kb_dir: Path) -> set[str]:
    path = kb_dir / "districts.csv"
    if not path.exists():
        return set()
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name_fi"] for row in csv.DictReader(handle) if row.get("name_fi")}


def check_shapes(data: Any, districts: set[str], where: str) -> None:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not data.get("features"):
        raise ShapesError(f"{where}: a GeoJSON FeatureCollection with features is expected")
    seen = set()
    for n, feature in enumerate(data["features"]):
        name = ((feature or {}).get("properties") or {}).get("name")
        geometry = (feature or {}).get("geometry") or {}
        if name not in districts:
            raise ShapesError(f"{where}: feature {n}: {name!r} is not a district of districts.csv")
        if name in seen:
            raise ShapesError(f"{where}: district {name} has two shapes")
        seen.add(name)
        if geometry.get("type") not in POLYGONS or not geometry.get("coordinates"):
            raise ShapesError(f"{where}: {name}: only Polygon and MultiPolygon geometries are drawn")
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for ring in (ring for polygon in polygons for ring in polygon):
            if len(ring) < 4 or ring[0] != ring[-1] or not all(
                    isinstance(p, list) and len(p) >= 2 and -180 <= p[0] <= 180 and -90 <= p[1] <= 90 for p in ring):
                raise ShapesError(f"{where}: {name}: a ring is not a closed list of lon/lat points")
