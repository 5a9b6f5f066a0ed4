// Feature views: list and detail (query as joins, labels, transformations, serving
// keys, training-dataset versions with split sizes and statistics, models).

import { getJSON } from "../api.js";
import { badge, card, chips, code, empty, kv, pageHeader, pre, refLink, searchBox, table, tabs, versionPicker } from "../components.js";
import { frac, h, link, num, path, plural, time, truncate } from "../dom.js";
import { splitBar } from "../plots.js";
import { statisticsGrid } from "../statsView.js";
import { lineageCard } from "./featureGroups.js";

function fvUrl(name, version) {
  return path("feature-views", name, version);
}

export async function featureViewsPage(ctx) {
  const q = ctx.query.get("q") || "";
  const d = await getJSON("/api/feature-views");
  ctx.setTitle("Feature views");
  const holder = h("div");
  const draw = (needle) => {
    const n = needle.trim().toLowerCase();
    const rows = n ? d.items.filter((fv) => [fv.name, fv.description, ...fv.features].some((t) => String(t || "").toLowerCase().includes(n))) : d.items;
    holder.replaceChildren(
      table(
        [
          { label: "Name", value: (r) => link(r.url, r.name), class: "name" },
          { label: "Version", value: (r) => `v${r.version}` },
          { label: "Description", value: (r) => truncate(r.description || "—", 80) },
          { label: "Feature groups", value: (r) => r.feature_groups.map((g, i) => [i ? ", " : "", refLink(g)]) },
          { label: "Features", value: (r) => num(r.num_features), num: true },
          { label: "Labels", value: (r) => chips(r.labels) },
          { label: "Training data", value: (r) => num(r.num_training_datasets), num: true },
          { label: "Created", value: (r) => time(r.created) },
        ],
        rows,
        {
          rowAttrs: (r) => ({ dataset: { name: r.name, version: r.version } }),
          empty: d.items.length ? empty(`No feature view matches “${needle}”`) : empty("No feature views yet", "Create one from a query: fs.get_or_create_feature_view(name, version=1, query=fg.select_all(), labels=[...])."),
        },
      ),
    );
  };
  const search = searchBox("Search feature views", q, (value) => {
    history.replaceState(null, "", value ? `${location.pathname}?q=${encodeURIComponent(value)}` : location.pathname);
    draw(value);
  });
  draw(q);
  return [pageHeader({ title: "Feature views", subtitle: "Selections of features for a model: training data, batch data and online feature vectors." }), card(null, [h("div", { class: "toolbar" }, search), holder])];
}

export async function featureViewLatest(ctx) {
  const [name] = ctx.params;
  const d = await getJSON("/api/feature-views");
  const versions = d.items.filter((x) => x.name === name).map((x) => x.version);
  if (!versions.length) throw Object.assign(new Error(`feature view '${name}' not found`), { status: 404 });
  ctx.navigate(fvUrl(name, Math.max(...versions)), true);
  return undefined;
}

function fgBox(q) {
  return h("div", { class: "query-fg" }, h("div", { class: "query-fg-name" }, refLink(q.feature_group)), h("div", { class: "query-fg-features" }, chips(q.features)));
}

function queryView(fv) {
  if (!fv.query) return empty("No query recorded");
  const steps = [h("div", { class: "query-step root" }, h("span", { class: "step-label" }, "FROM"), fgBox(fv.query))];
  const walk = (node) => {
    for (const j of node.joins) {
      const keys = j.on.length ? j.on.map((k) => `${k} = ${k}`) : j.left_on.map((k, i) => `${k} = ${j.right_on[i]}`);
      steps.push(
        h(
          "div",
          { class: "query-step join" },
          h("span", { class: "step-label" }, `${String(j.join_type || "inner").toUpperCase()} JOIN`),
          fgBox(j.query),
          h("div", { class: "join-keys" }, h("span", { class: "muted" }, "on "), keys.map((k, i) => [i ? h("span", { class: "muted" }, " and ") : null, code(k)]), j.prefix ? [h("span", { class: "muted" }, " · prefix "), code(j.prefix)] : null),
        ),
      );
      walk(j.query);
    }
  };
  walk(fv.query);
  if (fv.query.filter) steps.push(h("div", { class: "query-step" }, h("span", { class: "step-label" }, "WHERE"), pre(fv.query.filter)));
  return h("div", { class: "query" }, steps);
}

function featuresTable(fv) {
  return table(
    [
      { label: "Feature", value: (f) => h("span", { class: "mono" }, f.name), class: "name" },
      { label: "Type", value: (f) => h("span", { class: "mono muted" }, f.type || "—") },
      {
        label: "Role",
        value: (f) => [f.label ? badge("label", "warn") : null, f.inference_helper_column ? badge("inference helper", "neutral") : null, f.training_helper_column ? badge("training helper", "neutral") : null].filter(Boolean),
      },
      { label: "From", value: (f) => (f.feature_group ? refLink(f.feature_group) : "—") },
    ],
    fv.features,
    { rowAttrs: (f) => ({ dataset: { feature: f.name } }) },
  );
}

function servingKeys(fv) {
  return table(
    [
      { label: "Serving key", value: (k) => code(k.name) },
      { label: "Feature group", value: (k) => (k.feature_group ? `${k.feature_group.name} v${k.feature_group.version}` : "—") },
      { label: "Required", value: (k) => (k.required ? badge("required", "info") : badge("optional", "neutral")) },
      { label: "Taken from", value: (k) => (k.join_on ? code(k.join_on) : "request") },
    ],
    fv.serving_keys,
    { class: "serving-keys", empty: empty("No serving keys") },
  );
}

function transformations(fv) {
  if (!fv.transformation_functions.length) return h("p", { class: "muted" }, "No model-dependent transformations.");
  return h(
    "div",
    { class: "transformations" },
    fv.transformation_functions.map((t) =>
      h(
        "details",
        { class: "transformation" },
        h("summary", null, code(`${t.name}(${t.features.join(", ")})`), t.builtin ? badge("built-in", "neutral") : null, t.output_names.length ? h("span", { class: "muted" }, ` → ${t.output_names.join(", ")}`) : null),
        t.source ? pre(t.source) : h("p", { class: "muted small" }, "Built-in transformation."),
      ),
    ),
  );
}

function overviewTab(fv) {
  const props = kv([
    ["Labels", chips(fv.labels)],
    ["Serving keys", chips(fv.serving_keys.filter((k) => k.required).map((k) => k.name))],
    ["Inference helpers", fv.inference_helper_columns.length ? chips(fv.inference_helper_columns) : null],
    ["Training helpers", fv.training_helper_columns.length ? chips(fv.training_helper_columns) : null],
    ["Training datasets", num(fv.training_datasets.length)],
    ["Models", num(fv.models.length)],
    ["Created", time(fv.created)],
  ]);
  return [
    fv.broken ? h("div", { class: "error-box warn" }, h("strong", null, "A feature group of this view was deleted"), h("p", null, fv.broken)) : null,
    h("div", { class: "grid-2 wide-left" }, card("Query", queryView(fv), { id: "query" }), h("div", { class: "stack" }, card("Properties", props), card("Serving keys", servingKeys(fv), { id: "serving-keys" }))),
    card("Features", featuresTable(fv), { id: "features" }),
    card("Transformations", transformations(fv), { id: "transformations" }),
    fv.query_sql ? card("SQL", pre(fv.query_sql, "sql"), { id: "sql" }) : null,
  ];
}

const SPLIT_CLS = { train: "sp-train", validation: "sp-validation", test: "sp-test", all: "sp-all" };

function splitSummary(td) {
  const parts = Object.entries(td.rows).map(([k, v]) => ({ label: k, value: v, cls: SPLIT_CLS[k] || "sp-all" }));
  return h(
    "div",
    { class: "split-summary" },
    splitBar(parts),
    h(
      "div",
      { class: "split-legend" },
      parts.map((p) => h("span", { class: "legend-item" }, h("span", { class: `swatch ${p.cls}` }), `${p.label} ${num(p.value)} (${frac(td.fractions[p.label], 0)})`)),
    ),
  );
}

function splitDescription(td) {
  if (td.split === "random") return `random split${td.test_size ? `, test ${frac(td.test_size, 0)}` : ""}${td.validation_size ? `, validation ${frac(td.validation_size, 0)}` : ""}${td.seed !== null && td.seed !== undefined ? `, seed ${td.seed}` : ""}`;
  if (td.split === "time") return "time-based split";
  return "no split";
}

async function tdStatistics(fv, tdVersion) {
  const d = await getJSON(`/api${path("feature-views", fv.name, fv.version, "training-datasets", tdVersion, "statistics")}`);
  const names = Object.keys(d.splits);
  if (!names.length) return empty("No statistics for this training dataset");
  const panel = h("div");
  const buttons = names.map((n, i) =>
    h(
      "button",
      {
        type: "button",
        class: `tab small${i === 0 ? " active" : ""}`,
        dataset: { split: n },
        onclick: (e) => {
          for (const b of buttons) b.classList.toggle("active", b === e.currentTarget);
          panel.replaceChildren(statisticsGrid(d.splits[n]));
        },
      },
      n,
    ),
  );
  panel.replaceChildren(statisticsGrid(d.splits[names[0]]));
  return h("div", { class: "td-stats" }, names.length > 1 ? h("div", { class: "tabs sub", role: "tablist" }, buttons) : null, panel);
}

function trainingDataTab(fv, selected) {
  if (!fv.training_datasets.length) return card("Training data", empty("No training data yet", "Create a version with fv.train_test_split(test_size=0.2) or fv.create_train_test_split(...)."));
  const current = fv.training_datasets.some((t) => t.version === selected) ? selected : fv.training_datasets[fv.training_datasets.length - 1].version;
  const statsHolder = h("div", { class: "td-stats-holder" });
  const load = async (v) => {
    statsHolder.replaceChildren(h("p", { class: "loading" }, "Loading statistics…"));
    try {
      statsHolder.replaceChildren(card(`Statistics of training data v${v}`, await tdStatistics(fv, v), { id: "td-statistics" }));
    } catch (err) {
      statsHolder.replaceChildren(h("p", { class: "error-box" }, err.message));
    }
  };
  const rows = [...fv.training_datasets].reverse();
  const list = table(
    [
      { label: "Version", value: (t) => `v${t.version}` },
      { label: "Created", value: (t) => time(t.created) },
      { label: "Split", value: (t) => splitDescription(t) },
      { label: "Rows", value: (t) => num(t.total_rows), num: true },
      { label: "Split sizes", value: (t) => splitSummary(t), class: "split-cell" },
      { label: "Time range", value: (t) => (t.start_time || t.end_time ? `${t.start_time ? t.start_time.slice(0, 10) : "…"} → ${t.end_time ? t.end_time.slice(0, 10) : "…"}` : "all") },
      { label: "Stored", value: (t) => (t.materialized ? badge(t.data_format || "files", "neutral") : badge("on demand", "neutral")) },
      {
        label: "",
        value: (t) =>
          h(
            "button",
            {
              type: "button",
              class: "link-button",
              dataset: { td: t.version },
              onclick: () => {
                const p = new URLSearchParams(location.search);
                p.set("td", t.version);
                history.replaceState(null, "", `${location.pathname}?${p}`);
                for (const tr of list.querySelectorAll("tr[data-td]")) tr.classList.toggle("selected", tr.dataset.td === String(t.version));
                load(t.version);
              },
            },
            "statistics",
          ),
      },
    ],
    rows,
    { class: "td-table", rowAttrs: (t) => ({ dataset: { td: t.version }, class: t.version === current ? "selected" : null }) },
  );
  load(current);
  return [card("Training dataset versions", list, { id: "training-datasets" }), statsHolder];
}

function modelsTab(fv) {
  return card(
    "Models trained on this feature view",
    table(
      [
        { label: "Model", value: (m) => link(m.url, m.label) },
        { label: "Training data", value: (m) => (m.training_dataset_version ? `v${m.training_dataset_version}` : "—") },
        { label: "Framework", value: (m) => m.framework || "—" },
        {
          label: "Metrics",
          value: (m) =>
            Object.entries(m.metrics)
              .slice(0, 4)
              .map(([k, v]) => `${k} ${num(v)}`)
              .join(", ") || "—",
        },
        { label: "Created", value: (m) => time(m.created) },
      ],
      fv.models,
      { empty: empty("No models yet", "Save a model with feature_view=fv to link it here.") },
    ),
    { id: "models" },
  );
}

export async function featureViewPage(ctx) {
  const [name, version] = ctx.params;
  const fv = await getJSON(`/api${fvUrl(name, version)}`);
  ctx.setTitle(`${fv.name} v${fv.version}`);
  const header = pageHeader({
    crumbs: [["Feature views", "/feature-views"], [fv.name, null]],
    kind: "feature_view",
    title: fv.name,
    version: fv.version,
    badges: [h("span", { class: "muted" }, plural(fv.features.length, "feature")), fv.broken ? badge("broken", "bad") : null].filter(Boolean),
    subtitle: fv.description || null,
  });
  const td = Number(ctx.query.get("td")) || null;
  const view = tabs(
    [
      { id: "overview", label: "Overview", render: () => overviewTab(fv) },
      { id: "training-data", label: "Training data", count: fv.training_datasets.length, render: () => trainingDataTab(fv, td) },
      { id: "models", label: "Models", count: fv.models.length, render: () => modelsTab(fv) },
      { id: "lineage", label: "Lineage", render: () => lineageCard("feature_view", fv.name, fv.version) },
    ],
    { resetParams: ["td"] },
  );
  return [header, versionPicker(fv.versions, fv.version, (v) => fvUrl(fv.name, v)), view];
}
