// Feature groups: searchable list and detail (schema, data, statistics, activity,
// validation, lineage).

import { getJSON } from "../api.js";
import {
  badge,
  card,
  chips,
  code,
  empty,
  ingestionBadge,
  kv,
  pageHeader,
  refLink,
  searchBox,
  stats,
  statTile,
  successBadge,
  table,
  tabs,
  versionPicker,
} from "../components.js";
import { h, link, num, path, pct, plural, text, time, truncate } from "../dom.js";
import { barChart, lineageGraph, lineageLegend, stackedBars } from "../plots.js";
import { statisticsGrid } from "../statsView.js";

function fgUrl(name, version) {
  return path("feature-groups", name, version);
}

function apiUrl(name, version, sub = "") {
  return `/api${fgUrl(name, version)}${sub}`;
}

// ------------------------------------------------------------------ list

export async function featureGroupsPage(ctx) {
  const q = ctx.query.get("q") || "";
  const d = await getJSON("/api/feature-groups");
  ctx.setTitle("Feature groups");
  const rowsOf = (needle) => {
    const n = needle.trim().toLowerCase();
    if (!n) return d.items;
    return d.items.filter((fg) => [fg.name, fg.description, ...fg.features].some((t) => String(t || "").toLowerCase().includes(n)));
  };
  const holder = h("div", { class: "list-holder" });
  const count = h("span", { class: "muted result-count" });
  const draw = (needle) => {
    const rows = rowsOf(needle);
    count.textContent = needle ? `${plural(rows.length, "match", "matches")}` : plural(rows.length, "feature group");
    holder.replaceChildren(
      table(
        [
          { label: "Name", value: (r) => link(r.url, r.name), class: "name" },
          { label: "Version", value: (r) => `v${r.version}` },
          { label: "Description", value: (r) => h("span", { class: "desc", title: r.description }, truncate(r.description || "—", 90)) },
          { label: "Features", value: (r) => num(r.num_features), num: true },
          { label: "Primary key", value: (r) => chips(r.primary_key) },
          { label: "Event time", value: (r) => (r.event_time ? code(r.event_time) : "—") },
          { label: "Online", value: (r) => (r.online_enabled ? badge("online", "ok") : badge("offline", "neutral")) },
          { label: "Created", value: (r) => time(r.created) },
        ],
        rows,
        {
          class: "fg-table",
          rowAttrs: (r) => ({ dataset: { name: r.name, version: r.version } }),
          empty: d.items.length
            ? empty(`No feature group matches “${needle}”`, "Search looks at names, descriptions and feature names.")
            : empty("No feature groups yet", "Create one with fs.get_or_create_feature_group(name, version=1, primary_key=[...]) and insert a dataframe."),
        },
      ),
    );
  };
  const search = searchBox("Search feature groups", q, (value) => {
    const p = new URLSearchParams(location.search);
    if (value) p.set("q", value);
    else p.delete("q");
    const qs = p.toString();
    history.replaceState(null, "", `${location.pathname}${qs ? `?${qs}` : ""}`);
    draw(value);
  });
  draw(q);
  return [pageHeader({ title: "Feature groups", subtitle: "Versioned tables of features with time travel and an online copy." }), card(null, [h("div", { class: "toolbar" }, search, count), holder])];
}

export async function featureGroupLatest(ctx) {
  const [name] = ctx.params;
  const d = await getJSON(`/api${path("feature-groups", name)}`);
  const latest = d.versions[d.versions.length - 1];
  ctx.navigate(fgUrl(name, latest.version), true);
  return undefined;
}

// ------------------------------------------------------------------ detail

function schemaTable(fg) {
  return table(
    [
      { label: "Feature", value: (f) => h("span", { class: "mono" }, f.name), class: "name" },
      { label: "Type", value: (f) => h("span", { class: "mono muted" }, f.type || "—") },
      {
        label: "Role",
        value: (f) =>
          [f.primary ? badge("primary key", "info") : null, f.event_time ? badge("event time", "info") : null, f.partition ? badge("partition", "neutral") : null, f.foreign ? badge("foreign key", "neutral") : null].filter(Boolean),
      },
      { label: "Description", value: (f) => f.description || h("span", { class: "muted" }, "—") },
    ],
    fg.features,
    { class: "schema-table", rowAttrs: (f) => ({ dataset: { feature: f.name } }) },
  );
}

function overviewTab(fg) {
  const props = kv([
    ["Primary key", chips(fg.primary_key)],
    ["Event time", fg.event_time ? code(fg.event_time) : "—"],
    ["Partition key", fg.partition_key.length ? chips(fg.partition_key) : null],
    ["Online", fg.online_enabled ? badge("online enabled", "ok") : badge("offline only", "neutral")],
    ["Rows", fg.num_rows !== null ? num(fg.num_rows) : null],
    ["Commits", num(fg.num_commits)],
    ["Last commit", fg.latest_commit ? time(fg.latest_commit.committed_at) : null],
    ["Expectation suite", fg.expectation_suite ? `${fg.expectation_suite.name} (${plural(fg.expectation_suite.expectations.length, "expectation")}, ${String(fg.expectation_suite.validation_ingestion_policy || "").toLowerCase()})` : null],
    ["Created", time(fg.created)],
    ["Creator", fg.creator],
    ["Format", fg.time_travel_format],
  ]);
  const up = fg.lineage.upstream;
  const down = fg.lineage.downstream;
  const related = h(
    "div",
    { class: "related" },
    h("h3", null, "Derived from"),
    up.length ? h("ul", { class: "ref-list" }, up.map((r) => h("li", null, refLink(r)))) : h("p", { class: "muted" }, "No parent feature groups."),
    h("h3", null, "Used by"),
    down.length ? h("ul", { class: "ref-list" }, down.map((r) => h("li", null, refLink(r)))) : h("p", { class: "muted" }, "No feature views use this group yet."),
  );
  return [h("div", { class: "grid-2 wide-left" }, card("Schema", schemaTable(fg), { id: "schema" }), h("div", { class: "stack" }, card("Properties", props), card("Related", related, { id: "related" })))];
}

async function previewTab(fg, storage) {
  const online = storage === "online";
  const d = await getJSON(apiUrl(fg.name, fg.version, `/preview?n=50&online=${online}`));
  const toggle = fg.online_enabled
    ? h(
        "div",
        { class: "segmented", role: "group", "aria-label": "Storage" },
        ["offline", "online"].map((s) =>
          h(
            "a",
            { href: `${fgUrl(fg.name, fg.version)}?tab=data${s === "online" ? "&storage=online" : ""}`, class: s === storage ? "active" : "", "aria-pressed": String(s === storage) },
            s,
          ),
        ),
      )
    : null;
  const cols = d.columns.map((c, i) => ({ label: h("span", { title: c.type }, c.name), value: (row) => cell(row[i]), num: /int|float|double|decimal/.test(c.type) }));
  const note = h("span", { class: "muted" }, `${num(d.rows.length)} of ${plural(d.total_rows, "row")} (${d.storage})`);
  return card("Data preview", [h("div", { class: "toolbar" }, note, toggle), d.columns.length ? table(cols, d.rows, { class: "data-table", empty: empty("No rows") }) : empty("No data yet", "Insert a dataframe to see rows here.")], { id: "preview" });
}

function cell(v) {
  if (v === null || v === undefined) return h("span", { class: "null" }, "null");
  if (typeof v === "object") return h("span", { class: "mono" }, truncate(JSON.stringify(v), 80));
  if (typeof v === "number") return num(v, 6);
  return truncate(String(v), 80);
}

async function statisticsTab(fg) {
  const d = await getJSON(apiUrl(fg.name, fg.version, "/statistics"));
  if (!d.statistics) return card("Statistics", empty("No statistics yet", "Statistics are computed on every insert when statistics are enabled."));
  const st = d.statistics;
  const meta = h("p", { class: "muted" }, `Computed ${st.computation_time ? new Date(st.computation_time).toLocaleString() : ""}`, st.commit_version !== null && st.commit_version !== undefined ? ` for commit ${st.commit_version}` : "", ` · ${plural(st.features.length, "feature")}`);
  return card("Statistics", [meta, statisticsGrid(st)], { id: "statistics" });
}

const COMMIT_SERIES = [
  { key: "rows_inserted", label: "inserted", cls: "s-inserted" },
  { key: "rows_updated", label: "updated", cls: "s-updated" },
  { key: "rows_deleted", label: "deleted", cls: "s-deleted" },
];

async function activityTab(fg) {
  const d = await getJSON(apiUrl(fg.name, fg.version, "/commits"));
  if (!d.commits.length) return card("Activity", empty("No commits yet", "Every insert or delete is a commit; they are plotted here."));
  const categories = d.commits.map((c) => ({
    label: `#${c.commit_id}`,
    title: `commit ${c.commit_id} · ${new Date(c.committed_at).toLocaleString()} · ${c.operation}`,
    values: { rows_inserted: c.rows_inserted || 0, rows_updated: c.rows_updated || 0, rows_deleted: c.rows_deleted || 0 },
  }));
  const chart = stackedBars(categories, COMMIT_SERIES, { label: "rows changed per commit", xLabel: "commit" });
  const totals = stats([
    statTile("Commits", d.count),
    statTile("Rows inserted", d.totals.rows_inserted, { tone: "ok" }),
    statTile("Rows updated", d.totals.rows_updated, { tone: "info" }),
    statTile("Rows deleted", d.totals.rows_deleted, { tone: "bad" }),
  ]);
  const rows = [...d.commits].reverse();
  const list = table(
    [
      { label: "Commit", value: (c) => String(c.commit_id), num: true },
      { label: "Committed", value: (c) => time(c.committed_at, true) },
      { label: "Operation", value: (c) => h("span", { class: "mono" }, c.operation || "—") },
      { label: "Inserted", value: (c) => num(c.rows_inserted), num: true },
      { label: "Updated", value: (c) => num(c.rows_updated), num: true },
      { label: "Deleted", value: (c) => num(c.rows_deleted), num: true },
    ],
    rows,
    { class: "commit-table" },
  );
  return [totals, card("Rows changed per commit", chart, { id: "commit-chart" }), card("Commits", list, { id: "commits" })];
}

function kwargsText(kwargs) {
  return Object.entries(kwargs || {})
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

function failedTable(results) {
  return table(
    [
      { label: "Expectation", value: (r) => h("span", { class: "mono" }, r.expectation_type || "—") },
      { label: "Arguments", value: (r) => h("span", { class: "mono small" }, kwargsText(r.kwargs)) },
      { label: "Observed", value: (r) => (r.exception_message ? h("span", { class: "bad-text" }, r.exception_message) : text(r.observed_value)) },
      { label: "Unexpected", value: (r) => (r.unexpected_count === null || r.unexpected_count === undefined ? "—" : `${num(r.unexpected_count)}${r.unexpected_percent !== null && r.unexpected_percent !== undefined ? ` (${pct(r.unexpected_percent)})` : ""}`), num: true },
      { label: "Sample of unexpected values", value: (r) => (r.partial_unexpected_list.length ? chips(r.partial_unexpected_list.slice(0, 8).map((x) => text(x)), "bad") : "—") },
    ],
    results,
    { class: "failed-table" },
  );
}

function reportsTable(reports) {
  const body = h("tbody");
  for (const r of reports) {
    const details = h(
      "tr",
      { class: "details-row", hidden: true, dataset: { reportDetails: r.id } },
      h(
        "td",
        { colspan: 9 },
        r.failed_expectations.length
          ? [h("p", { class: "details-title" }, `Failed expectations (${r.failed_expectations.length} of ${r.evaluated_expectations})`), failedTable(r.failed_expectations)]
          : h("p", { class: "muted" }, `All ${plural(r.evaluated_expectations, "expectation")} passed.`),
      ),
    );
    const button = h("button", { type: "button", class: "link-button", "aria-expanded": "false", dataset: { report: r.id } }, r.failed_expectations.length ? `${r.failed_expectations.length} failed` : "details");
    button.addEventListener("click", () => {
      details.hidden = !details.hidden;
      button.setAttribute("aria-expanded", String(!details.hidden));
    });
    body.appendChild(
      h(
        "tr",
        { class: r.success ? "report ok" : "report failed", dataset: { reportId: r.id } },
        h("td", null, time(r.validation_time, true)),
        h("td", null, successBadge(r.success)),
        h("td", { class: "num" }, pct(r.success_percent)),
        h("td", { class: "num" }, num(r.evaluated_expectations)),
        h("td", { class: "num" }, num(r.successful_expectations)),
        h("td", { class: "num" }, num(r.unsuccessful_expectations)),
        h("td", null, ingestionBadge(r.ingestion_result)),
        h("td", { class: "num" }, r.row_count === null || r.row_count === undefined ? "—" : num(r.row_count)),
        h("td", null, button),
      ),
    );
    body.appendChild(details);
  }
  const head = ["Validation time", "Result", "Success", "Evaluated", "Successful", "Unsuccessful", "Ingestion", "Rows", ""];
  return h("div", { class: "table-wrap" }, h("table", { class: "table reports-table" }, h("thead", null, h("tr", null, head.map((x, i) => h("th", { class: i >= 2 && i <= 5 ? "num" : i === 7 ? "num" : null, scope: "col" }, x)))), body));
}

async function validationTab(fg) {
  const d = await getJSON(apiUrl(fg.name, fg.version, "/validation-reports"));
  const suite = d.expectation_suite
    ? card(
        `Expectation suite ${d.expectation_suite.name || ""}`.trim(),
        [
          kv([
            ["Ingestion policy", badge(String(d.expectation_suite.validation_ingestion_policy || "ALWAYS").toLowerCase(), d.expectation_suite.validation_ingestion_policy === "STRICT" ? "warn" : "neutral")],
            ["Runs on insert", d.expectation_suite.run_validation ? "yes" : "no"],
          ]),
          table(
            [
              { label: "#", value: (e) => (e.id === null || e.id === undefined ? "—" : String(e.id)), num: true },
              { label: "Expectation", value: (e) => h("span", { class: "mono" }, e.expectation_type || "—") },
              { label: "Arguments", value: (e) => h("span", { class: "mono small" }, kwargsText(e.kwargs)) },
            ],
            d.expectation_suite.expectations,
            { empty: empty("The suite has no expectations") },
          ),
        ],
        { id: "suite" },
      )
    : card("Expectation suite", empty("No expectation suite", "Attach one with fg.save_expectation_suite(suite) to validate every insert."), { id: "suite" });
  if (!d.reports.length) return [suite, card("Validation reports", empty("No validation reports yet"), { id: "reports" })];
  const summary = stats([
    statTile("Reports", d.count),
    statTile("Successful", d.summary.successful, { tone: "ok" }),
    statTile("Failed", d.summary.failed, { tone: d.summary.failed ? "bad" : undefined }),
    statTile("Ingested", d.summary.ingested),
    statTile("Rejected", d.summary.rejected, { tone: d.summary.rejected ? "bad" : undefined }),
  ]);
  const history = [...d.reports].reverse();
  const trend = barChart(
    history.map((r, i) => ({
      label: `#${i + 1}`,
      value: r.success_percent,
      cls: r.success ? "ok" : "bad",
      title: `${new Date(r.validation_time).toLocaleString()}: ${pct(r.success_percent)} of expectations met, ${r.ingestion_result.toLowerCase()}`,
    })),
    { label: "success percent per validation", height: 150, minSlot: 18, max: 100 },
  );
  return [
    summary,
    card("Validation reports", reportsTable(d.reports), { id: "reports" }),
    h("div", { class: "grid-2" }, card("Success per validation (oldest first)", h("div", { class: "chart-scroll" }, trend), { id: "validation-trend" }), suite),
  ];
}

export async function lineageCard(kind, name, version) {
  const d = await getJSON(`/api${path("lineage", kind, name, version)}`);
  const body = d.nodes.length > 1 ? [lineageLegend(), lineageGraph(d.nodes, d.edges)] : empty("No lineage yet", "Objects derived from this one (or that it was derived from) appear here.");
  return card("Lineage", body, { id: "lineage", actions: link(path("lineage", kind, name, version), "Open full graph") });
}

export async function featureGroupPage(ctx) {
  const [name, version] = ctx.params;
  const fg = await getJSON(apiUrl(name, version));
  ctx.setTitle(`${fg.name} v${fg.version}`);
  const badges = [
    fg.online_enabled ? badge("online", "ok") : badge("offline", "neutral"),
    fg.deprecated ? badge("deprecated", "warn") : null,
    fg.latest_validation ? (fg.latest_validation.success ? badge("validation passed", "ok") : badge("validation failed", "bad")) : null,
  ].filter(Boolean);
  const header = pageHeader({
    crumbs: [["Feature groups", "/feature-groups"], [fg.name, null]],
    kind: "feature_group",
    title: fg.name,
    version: fg.version,
    badges,
    subtitle: fg.description || null,
  });
  const storage = ctx.query.get("storage") === "online" ? "online" : "offline";
  const view = tabs(
    [
      { id: "overview", label: "Overview", render: () => overviewTab(fg) },
      { id: "data", label: "Data preview", render: () => previewTab(fg, storage) },
      { id: "statistics", label: "Statistics", render: () => statisticsTab(fg) },
      { id: "activity", label: "Activity", count: fg.num_commits, render: () => activityTab(fg) },
      { id: "validation", label: "Data validation", render: () => validationTab(fg) },
      { id: "lineage", label: "Lineage", render: () => lineageCard("feature_group", fg.name, fg.version) },
    ],
    { resetParams: ["storage"] },
  );
  return [header, versionPicker(fg.versions, fg.version, (v) => fgUrl(fg.name, v)), view];
}
