// Models: list, versions with metrics compared across versions, and one version
// (metrics, images such as a confusion matrix, input example, schema, provenance).

import { getJSON } from "../api.js";
import { badge, card, chips, empty, kv, pageHeader, pre, refLink, searchBox, stateBadge, stats, statTile, table, tabs, versionPicker } from "../components.js";
import { bytes, h, link, num, path, plural, time, truncate } from "../dom.js";
import { barChart } from "../plots.js";
import { lineageCard } from "./featureGroups.js";

function modelUrl(name, version) {
  return version === undefined ? path("models", name) : path("models", name, version);
}

function metricsText(metrics, max = 3) {
  return (
    Object.entries(metrics || {})
      .slice(0, max)
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(", ") || "—"
  );
}

export async function modelsPage(ctx) {
  const q = ctx.query.get("q") || "";
  const d = await getJSON("/api/models");
  ctx.setTitle("Models");
  const holder = h("div");
  const draw = (needle) => {
    const n = needle.trim().toLowerCase();
    const rows = n ? d.items.filter((m) => [m.name, m.description, m.framework].some((t) => String(t || "").toLowerCase().includes(n))) : d.items;
    holder.replaceChildren(
      table(
        [
          { label: "Model", value: (m) => link(modelUrl(m.name), m.name), class: "name" },
          { label: "Latest", value: (m) => link(m.url, `v${m.version}`) },
          { label: "Versions", value: (m) => num(m.num_versions), num: true },
          { label: "Framework", value: (m) => (m.framework ? badge(String(m.framework).toLowerCase(), "neutral") : "—") },
          { label: "Metrics (latest)", value: (m) => metricsText(m.metrics) },
          { label: "Feature view", value: (m) => (m.feature_view ? refLink(m.feature_view) : "—") },
          { label: "Created", value: (m) => time(m.created) },
        ],
        rows,
        {
          rowAttrs: (m) => ({ dataset: { name: m.name } }),
          empty: d.items.length ? empty(`No model matches “${needle}”`) : empty("No models yet", "Register one with mr.sklearn.create_model(name, metrics={...}, feature_view=fv).save(model_dir)."),
        },
      ),
    );
  };
  const search = searchBox("Search models", q, (value) => {
    history.replaceState(null, "", value ? `${location.pathname}?q=${encodeURIComponent(value)}` : location.pathname);
    draw(value);
  });
  draw(q);
  return [pageHeader({ title: "Models", subtitle: "The model registry: versions, metrics and the data they were trained on." }), card(null, [h("div", { class: "toolbar" }, search), holder])];
}

/** One bar chart per metric, bars = versions (the current one highlighted). */
function metricCharts(versions, current) {
  const d = versions;
  if (!d.metric_names.length) return empty("No metrics recorded", "Pass metrics={...} to create_model to compare versions here.");
  return h(
    "div",
    { class: "metric-grid" },
    d.metric_names.map((m) =>
      h(
        "figure",
        { class: "metric-chart", dataset: { metric: m } },
        h("figcaption", null, m),
        barChart(
          d.metrics[m].map((p) => ({ label: `v${p.version}`, value: p.value, highlight: p.version === current, title: `${m} of v${p.version}: ${p.value === null ? "not recorded" : num(p.value)}` })),
          { label: `${m} by version` },
        ),
      ),
    ),
  );
}

function versionsTable(d, current) {
  return table(
    [
      { label: "Version", value: (m) => (m.version === current ? h("strong", null, `v${m.version}`) : link(m.url, `v${m.version}`)) },
      ...d.metric_names.map((name) => ({ label: name, value: (m) => num(m.metrics[name]), num: true })),
      { label: "Training data", value: (m) => (m.feature_view ? [refLink(m.feature_view), m.training_dataset_version ? ` · td v${m.training_dataset_version}` : ""] : "—") },
      { label: "Created", value: (m) => time(m.created) },
    ],
    [...d.versions].reverse(),
    { class: "versions-table", rowAttrs: (m) => ({ dataset: { version: m.version }, class: m.version === current ? "selected" : null }) },
  );
}

export async function modelVersionsPage(ctx) {
  const [name] = ctx.params;
  const d = await getJSON(`/api${modelUrl(name)}`);
  ctx.setTitle(`Model ${name}`);
  const latest = d.versions[d.versions.length - 1];
  return [
    pageHeader({ crumbs: [["Models", "/models"], [name, null]], kind: "model", title: name, subtitle: `${plural(d.versions.length, "version")}; latest v${latest.version}.`, actions: link(latest.url, `Open v${latest.version}`) }),
    card("Metrics across versions", metricCharts(d, latest.version), { id: "metrics" }),
    card("Versions", versionsTable(d, null), { id: "versions" }),
  ];
}

function schemaView(schema) {
  if (!schema || (!schema.input_schema && !schema.output_schema)) return empty("No model schema", "Pass model_schema=ModelSchema(Schema(X_train), Schema(y_train)) to create_model.");
  const side = (title, sch) => {
    if (!sch) return null;
    if (sch.columnar_schema) {
      return [
        h("h3", null, title),
        table(
          [
            { label: "Column", value: (c) => h("span", { class: "mono" }, c.name || "—") },
            { label: "Type", value: (c) => h("span", { class: "mono muted" }, c.type || "—") },
            { label: "Description", value: (c) => c.description || "" },
          ],
          sch.columnar_schema,
        ),
      ];
    }
    if (sch.tensor_schema) {
      const tensors = Array.isArray(sch.tensor_schema) ? sch.tensor_schema : [sch.tensor_schema];
      return [
        h("h3", null, title),
        table(
          [
            { label: "Tensor", value: (t) => t.name || "—" },
            { label: "Type", value: (t) => h("span", { class: "mono" }, t.type || "—") },
            { label: "Shape", value: (t) => h("span", { class: "mono" }, t.shape || "—") },
          ],
          tensors,
        ),
      ];
    }
    return [h("h3", null, title), pre(sch)];
  };
  return h("div", { class: "schema" }, side("Input", schema.input_schema), side("Output", schema.output_schema));
}

function gallery(images) {
  if (!images.length) return null;
  return card(
    "Images",
    h(
      "div",
      { class: "gallery" },
      images.map((img) =>
        h(
          "figure",
          { class: "image" },
          h("a", { href: img.url, target: "_blank", rel: "noopener" }, h("img", { src: img.url, alt: img.path, loading: "lazy" })),
          h("figcaption", { class: "mono small" }, img.path),
        ),
      ),
    ),
    { id: "images" },
  );
}

function overviewTab(m) {
  const metricTiles = Object.keys(m.metrics).length ? stats(Object.entries(m.metrics).map(([k, v]) => statTile(k, typeof v === "number" ? num(v) : String(v), { dataset: { metric: k } }))) : null;
  const provenance = kv([
    ["Feature view", m.feature_view ? refLink(m.feature_view) : "—"],
    ["Training data", m.training_dataset ? refLink(m.training_dataset, `training data v${m.training_dataset.version}`) : m.training_dataset_version ? `v${m.training_dataset_version}` : "—"],
    ["Framework", m.framework],
    ["Created", time(m.created)],
    ["Creator", m.creator],
    ["Tags", Object.keys(m.tags || {}).length ? chips(Object.entries(m.tags).map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)) : null],
  ]);
  const deployments = table(
    [
      { label: "Deployment", value: (d) => link(d.url, d.name) },
      { label: "State", value: (d) => stateBadge(d.state) },
      { label: "Created", value: (d) => time(d.created) },
    ],
    m.deployments,
    { empty: h("p", { class: "muted" }, "Not deployed. Deploy with model.deploy().") },
  );
  const side = h("div", { class: "stack" }, card("Provenance", provenance, { id: "provenance" }), card("Deployments", deployments, { id: "deployments" }));
  const images = gallery(m.images);
  return [
    metricTiles,
    images ? h("div", { class: "grid-2" }, side, images) : side,
    h(
      "div",
      { class: "grid-2" },
      card("Input example", m.input_example === null || m.input_example === undefined ? empty("No input example") : pre(m.input_example), { id: "input-example" }),
      card("Model schema", schemaView(m.model_schema), { id: "model-schema" }),
    ),
  ];
}

async function compareTab(m) {
  const d = await getJSON(`/api${modelUrl(m.name)}`);
  return [card("Metrics across versions", metricCharts(d, m.version), { id: "metrics" }), card("Versions", versionsTable(d, m.version), { id: "versions" })];
}

function filesTab(m) {
  return card(
    "Files",
    table(
      [
        { label: "File", value: (f) => (f.url ? h("a", { href: f.url, target: "_blank", rel: "noopener", class: "mono" }, f.path) : h("span", { class: "mono" }, f.path)) },
        { label: "Size", value: (f) => bytes(f.size), num: true },
        { label: "", value: (f) => (f.is_image ? badge("image", "info") : "") },
      ],
      m.files,
      { empty: empty("No files") },
    ),
    { id: "files" },
  );
}

export async function modelPage(ctx) {
  const [name, version] = ctx.params;
  const m = await getJSON(`/api${modelUrl(name, version)}`);
  ctx.setTitle(`${m.name} v${m.version}`);
  const header = pageHeader({
    crumbs: [["Models", "/models"], [m.name, modelUrl(m.name)], [`v${m.version}`, null]],
    kind: "model",
    title: m.name,
    version: m.version,
    badges: [m.framework ? badge(String(m.framework).toLowerCase(), "neutral") : null, m.deployments.length ? badge("deployed", "ok") : null].filter(Boolean),
    subtitle: m.description ? truncate(m.description, 300) : null,
  });
  const view = tabs([
    { id: "overview", label: "Overview", render: () => overviewTab(m) },
    { id: "versions", label: "Compare versions", count: m.versions.length, render: () => compareTab(m) },
    { id: "files", label: "Files", count: m.files.length, render: () => filesTab(m) },
    { id: "lineage", label: "Lineage", render: () => lineageCard("model", m.name, m.version) },
  ]);
  return [header, versionPicker(m.versions, m.version, (v) => modelUrl(m.name, v)), view];
}
