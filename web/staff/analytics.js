// The analytics page of the staff console (analyst, admin): aggregates only. Every chart is an
// inline SVG bar chart with <title>/<desc> and a table view of the same numbers; counts from 1 to 4
// come from the server as null with "<key>_suppressed" and are shown as "< 5"; a second cell hidden
// so that such a count cannot be computed from the total ("complementary") as "piilotettu" (hidden).
// Texts in the console's language (strings/<lang>.js: col_, chart_, outcome_, domain_, lang_).
// Live: the page has its own connection to the console's real-time namespace and fetches the
// figures again when the server says a roll-up changed them ("analytics_updated", no figures).
import { el } from "/widget/dom.js";
import { io } from "/widget/vendor/socket.io.esm.min.js";
import { districtMap } from "/staff/district_map.js";
import { lang, named, t } from "/staff/i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const $ = (id) => document.getElementById(id);
// The charts: table, the column of the bar labels and of the values (titles: chart_<table>).
const CHARTS = [
  ["by_time", null, "messages"],
  ["outcomes", "outcome", "messages"],
  ["by_language", "lang", "messages"],
  ["by_domain", "domain", "messages"],
  ["by_page", "page", "messages"],
  ["top_topics", "title", "messages"],
  ["rising_topics", "title", "this_week"],
  ["emergencies", "day", "emergencies"],
  ["feedback", "topic", "up"],
  ["queues", "queue", "requests"],
  ["ratings", "queue", "ratings"],
  ["reports", "category", "count"],
  ["delivery", "category", "at_city"],
  ["districts", "district", "count"],
  ["new_themes", "theme", "messages"],
];
const TABLES_ONLY = new Set(["feedback", "queues", "reports", "delivery"]);
// Drawn as stacked bars: each row's shares of how the assistant answered.
const STACKED = { by_language: "lang", by_domain: "domain" };
const SHARE_KEYS = ["answered", "not_understood", "out_of_scope", "handoff"];

let socket = null;
let requests = 0;
let api = null;
let bound = false;
let shapes;  // the city's district shapes: undefined until fetched, null when it has none

/** A cell as people read it: "< 5" for a suppressed count, shares as percent, seconds as minutes. */
export function cellText(row, column) {
  const suppressed = row[`${column.key}_suppressed`];
  // "complementary": hidden so that a "< 5" cell cannot be computed from the total
  if (suppressed === "complementary") return t("cellHidden");
  if (suppressed) return "< 5";
  const value = row[column.key];
  if (value === null || value === undefined) return "–";
  if (column.kind === "share") return `${Math.round(value * 100)} %`;
  if (column.kind === "seconds") return duration(value);
  if (column.kind === "score") return `${value.toFixed(1)} / 5`;
  if (column.key === "outcome") return named("outcome", value);
  if (column.key === "lang" || column.key === "lang_fb") return named("lang", value);
  if (column.key === "queue") return named("queue", value);
  if (column.key === "domain") return value === "–" ? t("domain_none") : named("domain", value);
  if (column.key === "district") return value || t("districtUnknown");
  if (column.key === "category" && value === "") return t("categoryAll");
  if (column.key === "page" && value === "") return t("pageUnknown");
  return String(value);
}

/** Seconds as people read a wait: "45 s", "12.5 min", "3.2 h". */
export function duration(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** A column's heading in the console's language (the server's label, Finnish, when there is none). */
function label(column) {
  return named("col", column.key) === column.key ? column.label : named("col", column.key);
}

function tableView(table, caption) {
  const head = el("tr", {}, ...table.columns.map((c) => el("th", { scope: "col", text: label(c) })));
  const body = table.rows.map((row) => el("tr", {}, ...table.columns.map((c, i) =>
    el(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, class: c.kind === "text" ? null : "num", text: cellText(row, c) }))));
  return el("table", { class: "figures" }, el("caption", { text: caption }), el("thead", {}, head), el("tbody", {}, ...body));
}

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Horizontal bars, one per row; a suppressed value is a thin mark labelled "< 5". */
function barChart(id, table, labelKey, valueKey, title) {
  const labelColumn = table.columns.find((c) => c.key === labelKey) || table.columns[0];
  const valueColumn = table.columns.find((c) => c.key === valueKey);
  const rows = table.rows.slice(0, 31);
  const max = Math.max(1, ...rows.map((r) => r[valueKey] || 0));
  const barH = 22, gap = 6, labelW = 200, width = 640, chartW = width - labelW - 70;
  const height = Math.max(1, rows.length) * (barH + gap) + gap;
  const desc = rows.map((r) => `${cellText(r, labelColumn)}: ${cellText(r, valueColumn)}`).join("; ") || t("noFigures");
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart" });
  root.append(svg("title", { id: `${id}-t` }, `${title} (${label(valueColumn)})`), svg("desc", { id: `${id}-d` }, desc));
  rows.forEach((r, i) => {
    const y = gap + i * (barH + gap);
    const value = r[valueKey] || 0;
    const g = svg("g");
    g.append(svg("text", { x: labelW - 8, y: y + barH * 0.7, "text-anchor": "end", class: "label" }, cellText(r, labelColumn).slice(0, 28)));
    g.append(svg("rect", { x: labelW, y, height: barH, width: r[`${valueKey}_suppressed`] ? 3 : Math.max(value ? 2 : 0, (value / max) * chartW), class: "bar" }));
    g.append(svg("text", { x: labelW + (value / max) * chartW + 6, y: y + barH * 0.7, class: "value" }, cellText(r, valueColumn)));
    root.append(g);
  });
  return root;
}

/** One 100 % bar per row, split into its shares (answered, not understood...); a suppressed share
 * is left out of its bar (the rest stays grey) and named in the text alternative as "< 5". */
function stackedChart(id, table, labelKey, title) {
  const labelColumn = table.columns.find((c) => c.key === labelKey);
  const shareColumns = SHARE_KEYS.map((key) => table.columns.find((c) => c.key === key));
  const rows = table.rows.slice(0, 31);
  const barH = 22, gap = 6, labelW = 200, width = 640, chartW = width - labelW - 20;
  const height = Math.max(1, rows.length) * (barH + gap) + gap;
  const desc = rows.map((r) => `${cellText(r, labelColumn)}: ${shareColumns.map((c) => `${label(c)} ${cellText(r, c)}`).join(", ")}`)
    .join("; ") || t("noFigures");
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": `${id}-t ${id}-d`, class: "chart" });
  root.append(svg("title", { id: `${id}-t` }, title), svg("desc", { id: `${id}-d` }, desc));
  rows.forEach((r, i) => {
    const y = gap + i * (barH + gap);
    const g = svg("g");
    g.append(svg("text", { x: labelW - 8, y: y + barH * 0.7, "text-anchor": "end", class: "label" }, cellText(r, labelColumn).slice(0, 28)));
    g.append(svg("rect", { x: labelW, y, height: barH, width: chartW, class: "rest" }));
    let x = labelW;
    SHARE_KEYS.forEach((key, n) => {
      const w = (r[`${key}_suppressed`] ? 0 : r[key] || 0) * chartW;
      if (w > 0) g.append(svg("rect", { x, y, height: barH, width: w, class: `part part-${n}` }));
      x += w;
    });
    root.append(g);
  });
  return root;
}

function stackLegend(table) {
  const items = SHARE_KEYS.map((key, n) => {
    const text = label(table.columns.find((c) => c.key === key));
    const mark = svg("svg", { width: 14, height: 14, "aria-hidden": "true" });
    mark.append(svg("rect", { width: 14, height: 14, class: `part part-${n}` }));
    const item = el("li", {}, el("span", { text }));
    item.prepend(mark);
    return item;
  });
  return el("ul", { class: "map-legend chart-legend" }, ...items);
}

function figure(name, table, labelKey, valueKey, range) {
  const id = `chart-${name}`;
  const title = named("chart", name);
  const link = el("a", { href: `/api/staff/analytics/export.csv?table=${name}&from=${range.from}&to=${range.to}`, download: "", text: t("downloadCsv") });
  const parts = [el("h3", { id: `${id}-h`, text: title })];
  const asTable = () => el("details", {}, el("summary", { text: t("showTable") }), tableView(table, title));
  if (!table.rows.length) parts.push(el("p", { class: "meta", text: t("noFiguresPeriod") }));
  else if (TABLES_ONLY.has(name)) parts.push(tableView(table, title));
  else if (name === "districts" && shapes) {
    const map = districtMap(id, shapes, table, cellText, `${title} (${t("mapSuffix")})`);
    parts.push(map.svg, map.legend, el("p", { class: "meta", text: t("mapNote") }), asTable());
  }
  else if (STACKED[name]) parts.push(stackedChart(id, table, STACKED[name], `${title}: ${t("howAnswered")}`), stackLegend(table), asTable());
  else parts.push(barChart(id, table, labelKey || table.columns[0].key, valueKey, title), asTable());
  parts.push(el("p", {}, link));
  return el("section", { class: "figure", "aria-labelledby": `${id}-h`, "data-table": name }, ...parts);
}

function totals(summary) {
  const count = (key) => cellText(summary.totals, { key, kind: "count" });
  const share = (key) => cellText(summary.shares, { key, kind: "share" });
  const items = [
    [t("col_conversations"), count("conversations")], [t("col_messages"), count("messages")],
    [t("col_answered"), share("answered")], [t("col_not_understood"), share("not_understood")],
    [t("col_out_of_scope"), share("out_of_scope")], [t("col_handoff"), share("handoff")],
    [t("col_emergencies"), count("emergency")],
  ];
  return el("dl", { class: "totals" }, ...items.flatMap(([k, v]) => [el("div", {}, el("dt", { text: k }), el("dd", { text: v }))]));
}

export async function loadAnalytics() {
  const from = $("analytics-from").value;
  const to = $("analytics-to").value;
  const query = new URLSearchParams();
  if (from) query.set("from", from);
  if (to) query.set("to", to);
  const asked = ++requests;
  const { ok, data } = await api(`/api/staff/analytics/summary?${query}`);
  if (asked !== requests) return;  // a newer request (another range, a live update) was sent since
  if (!ok) {
    $("analytics-status").textContent = data.error || t("analyticsFailed");
    return;
  }
  $("analytics-status").textContent = "";
  // the range shown, unless someone has typed another one meanwhile
  if (!$("analytics-from").value) $("analytics-from").value = data.from;
  if (!$("analytics-to").value) $("analytics-to").value = data.to;
  const range = { from: data.from, to: data.to };
  $("analytics-totals").replaceChildren(totals(data));
  $("analytics-charts").replaceChildren(...CHARTS.map(([name, labelKey, valueKey]) =>
    figure(name, data.tables[name], labelKey, valueKey, range)));
  const time = new Date().toLocaleTimeString(`${lang()}-FI`, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  $("analytics-updated").textContent = t("analyticsUpdated", { time });
}

async function loadShapes() {
  if (shapes !== undefined) return;
  const { ok, data } = await api("/api/staff/analytics/districts.geojson");
  shapes = ok && data && Array.isArray(data.features) ? data : null;  // 404: no map, the bars and table
}

// While the page is hidden it waits; it fetches once when shown again if something changed.
let missed = false;
function refresh() {
  if (document.hidden || $("analytics-view").hidden) missed = true;
  else loadAnalytics();
}

function connectLive() {
  if (socket) socket.disconnect();
  socket = io("/staff", { path: "/socket.io/", transports: ["websocket", "polling"], forceNew: true });
  socket.on("analytics_updated", refresh);
  socket.io.on("reconnect", refresh);  // what changed while the connection was down
}

/** Show the page and keep its numbers fresh while it is open (told by the server after a roll-up). */
export async function startAnalytics(apiFn) {
  api = apiFn;
  if (!bound) {
    bound = true;
    $("analytics-form").addEventListener("submit", (event) => {
      event.preventDefault();
      loadAnalytics();
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && missed && socket) {
        missed = false;
        refresh();
      }
    });
  }
  connectLive();
  await loadShapes();
  return loadAnalytics();
}

export function stopAnalytics() {
  if (socket) socket.disconnect();
  socket = null;
  shapes = undefined;
}
