// The analytics page's district map: a choropleth drawn as inline SVG from the city's GeoJSON
// (our own code, nothing from a CDN). It is one <svg role="img"> whose <desc> lists every
// district's figure; the same figures are in the table view beside it. A count under 5 (or one
// hidden so that such a count cannot be computed) is a neutral hatch, never a colour of its own.
import { t } from "/staff/i18n.js";

const SVG = "http://www.w3.org/2000/svg";
// A sequential blue scale, light to dark; the darkest still leaves the labels (white halo) legible.
const SHADES = ["#dbe8f8", "#a9c8ee", "#6f9fdc", "#3a72c0", "#0f4c9a"];
const WIDTH = 640;

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function polygons(geometry) {
  return geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
}

const SMALLEST_SHOWN = 5;  // counts under 5 are never shown (the hatch)

/** Upper limits of the colour classes: equal whole-number steps from 5 to the largest shown count. */
export function classLimits(max, classes = SHADES.length) {
  const step = Math.max(1, Math.ceil((max - SMALLEST_SHOWN + 1) / classes));
  return Array.from({ length: classes }, (_, i) => SMALLEST_SHOWN - 1 + step * (i + 1));
}

/**
 * The map of `table` (rows of {district, count}) over `shapes` (GeoJSON FeatureCollection).
 * `cellText(row, column)` gives a figure as people read it ("< 5", "piilotettu").
 */
export function districtMap(id, shapes, table, cellText, title) {
  const countColumn = table.columns.find((c) => c.key === "count");
  const byName = new Map(table.rows.map((r) => [r.district, r]));
  let minLon = Infinity, maxLon = -Infinity, minLat = Infinity, maxLat = -Infinity;
  for (const f of shapes.features) for (const poly of polygons(f.geometry)) for (const ring of poly) for (const [lon, lat] of ring) {
    minLon = Math.min(minLon, lon); maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat); maxLat = Math.max(maxLat, lat);
  }
  // a plain equirectangular projection, with longitude shrunk by the latitude (fine for one city)
  const kx = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const pad = 10;
  const scale = (WIDTH - 2 * pad) / Math.max(1e-9, (maxLon - minLon) * kx);
  const height = Math.ceil((maxLat - minLat) * scale + 2 * pad);
  const xy = ([lon, lat]) => [pad + (lon - minLon) * kx * scale, pad + (maxLat - lat) * scale];
  const shown = table.rows.filter((r) => r.district && !r.count_suppressed && r.count);
  const limits = classLimits(Math.max(1, ...shown.map((r) => r.count)));
  const shade = (count) => SHADES[limits.findIndex((limit) => count <= limit)];

  const descParts = [];
  const none = [];
  const root = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart map" });
  const defs = svg("defs");
  const hatch = svg("pattern", { id: `${id}-hatch`, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.append(svg("rect", { width: 6, height: 6, fill: "#ffffff" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#6b6b6b", "stroke-width": 2 }));
  defs.append(hatch);
  root.append(svg("title", { id: `${id}-t` }, title), svg("desc", { id: `${id}-d` }), defs);
  const labels = svg("g", { class: "map-labels", "aria-hidden": "true" });
  for (const feature of shapes.features) {
    const name = feature.properties.name;
    const row = byName.get(name);
    let fill = "#ffffff", figure = "0";
    if (row && row.count_suppressed) {
      fill = `url(#${id}-hatch)`;
      figure = cellText(row, countColumn);
    } else if (row && row.count) {
      fill = shade(row.count);
      figure = cellText(row, countColumn);
    }
    if (figure === "0") none.push(name);
    let d = "";
    let sx = 0, sy = 0, n = 0;
    for (const poly of polygons(feature.geometry)) for (const ring of poly) {
      d += ring.map((p, i) => { const [x, y] = xy(p); sx += x; sy += y; n += 1; return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`; }).join("") + "Z";
    }
    const path = svg("path", { d, fill, class: "district", "data-district": name });
    path.append(svg("title", {}, `${name}: ${figure}`));
    root.append(path);
    labels.append(svg("text", { x: (sx / n).toFixed(1), y: (sy / n).toFixed(1), "text-anchor": "middle", class: "map-label" }, name));
  }
  root.append(labels);
  // the text alternative in the table's order (most reports first), with what the map cannot show
  const drawn = new Set(shapes.features.map((f) => f.properties.name));
  for (const r of table.rows) {
    const name = `${r.district || t("districtUnknown")}${r.district && drawn.has(r.district) ? "" : ` (${t("notOnMap")})`}`;
    descParts.push(`${name}: ${cellText(r, countColumn)}`);
  }
  if (none.length) descParts.push(`${t("noReportsIn")}: ${none.join(", ")}`);
  root.querySelector("desc").textContent = descParts.join("; ") + ".";
  return { svg: root, legend: legend(id, limits) };
}

function legend(id, limits) {
  const items = [];
  let low = SMALLEST_SHOWN;
  limits.forEach((limit, i) => {
    items.push([SHADES[i], low === limit ? `${limit}` : `${low}–${limit}`]);
    low = limit + 1;
  });
  items.push([`url(#${id}-hatch)`, t("mapLegendSmall")], ["#ffffff", t("mapLegendNone")]);
  const list = document.createElement("ul");
  list.className = "map-legend";
  list.setAttribute("aria-label", t("mapLegend"));
  for (const [shade, text] of items) {
    let fill = shade;
    const li = document.createElement("li");
    const swatch = svg("svg", { width: 18, height: 14, "aria-hidden": "true" });
    if (fill.startsWith("url(")) {
      const defs = svg("defs");
      const p = svg("pattern", { id: `${id}-legend-hatch`, width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
      p.append(svg("rect", { width: 6, height: 6, fill: "#ffffff" }), svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#6b6b6b", "stroke-width": 2 }));
      defs.append(p);
      swatch.append(defs);
      fill = `url(#${p.getAttribute("id")})`;
    }
    swatch.append(svg("rect", { width: 18, height: 14, fill, stroke: "#6b6b6b", "stroke-width": 1 }));
    li.append(swatch, document.createTextNode(` ${text}`));
    list.append(li);
  }
  return list;
}
