// Project overview: counts and recent activity.

import { getJSON } from "../api.js";
import { badge, card, empty, ingestionBadge, kv, pageHeader, refLink, stats, statTile, table } from "../components.js";
import { ago, h, link, num, pct, time } from "../dom.js";

/** "5 min ago", with the exact time as a tooltip. */
function when(iso) {
  return iso ? h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, ago(iso)) : "—";
}

const ACTIVITY_LABELS = {
  commit: "commit",
  validation: "validation",
  training_dataset: "training data",
  model: "model",
  deployment: "deployment",
};

function activityList(items) {
  if (!items.length) return empty("No activity yet", "Insert data into a feature group to get started.");
  return h(
    "ol",
    { class: "timeline" },
    items.map((a) =>
      h(
        "li",
        { class: `timeline-item t-${a.type}${a.type === "validation" && !a.success ? " failed" : ""}` },
        h("span", { class: "dot", "aria-hidden": "true" }),
        h(
          "div",
          { class: "timeline-body" },
          h("div", { class: "timeline-title" }, badge(ACTIVITY_LABELS[a.type] || a.type, a.type === "validation" ? (a.success ? "ok" : "bad") : "neutral"), " ", link(a.url, a.title)),
          h("div", { class: "timeline-meta" }, a.detail ? h("span", null, a.detail) : null, h("span", { class: "muted", title: a.time || "" }, ago(a.time))),
        ),
      ),
    ),
  );
}

export async function overviewPage(ctx) {
  const d = await getJSON("/api/overview");
  ctx.setTitle(`Project ${d.project.name}`);
  const c = d.counts;
  const nothing = !c.feature_groups && !c.feature_views && !c.models;
  const header = pageHeader({ title: d.project.name, subtitle: "Project overview" });
  const tiles = stats([
    statTile("Feature groups", c.feature_groups, { href: "/feature-groups", dataset: { count: "feature_groups" } }),
    statTile("Feature views", c.feature_views, { href: "/feature-views", dataset: { count: "feature_views" } }),
    statTile("Training datasets", c.training_datasets, { href: "/feature-views", dataset: { count: "training_datasets" } }),
    statTile("Models", c.models, { href: "/models", dataset: { count: "models" } }),
    statTile("Deployments", c.deployments, { href: "/deployments", dataset: { count: "deployments" } }),
    statTile("Jobs", c.jobs, { href: "/jobs", dataset: { count: "jobs" } }),
  ]);
  if (nothing) {
    return [
      header,
      tiles,
      card(
        "Get started",
        empty(
          "This project is empty",
          "Create a feature group and insert a dataframe (fs.get_or_create_feature_group(...).insert(df)); it shows up here with its statistics, commits and validation reports.",
        ),
      ),
    ];
  }
  const commits = table(
    [
      { label: "Feature group", value: (r) => refLink(r.feature_group) },
      { label: "Commit", value: (r) => String(r.commit_id), num: true },
      { label: "When", value: (r) => when(r.committed_at) },
      {
        label: "Rows",
        value: (r) =>
          h(
            "span",
            { class: "row-changes" },
            r.rows_inserted ? h("span", { class: "ins", title: "inserted" }, `+${num(r.rows_inserted)}`) : null,
            r.rows_updated ? h("span", { class: "upd", title: "updated" }, `~${num(r.rows_updated)}`) : null,
            r.rows_deleted ? h("span", { class: "del", title: "deleted" }, `−${num(r.rows_deleted)}`) : null,
            !r.rows_inserted && !r.rows_updated && !r.rows_deleted ? h("span", { class: "muted" }, "none") : null,
          ),
      },
    ],
    d.recent_commits,
    { empty: empty("No commits yet") },
  );
  const reports = table(
    [
      { label: "Feature group", value: (r) => refLink(r.feature_group) },
      { label: "When", value: (r) => when(r.validation_time) },
      { label: "Result", value: (r) => badge(`${r.success ? "passed" : "failed"} ${pct(r.success_percent, 0)}`, r.success ? "ok" : "bad") },
      { label: "Ingestion", value: (r) => ingestionBadge(r.ingestion_result) },
    ],
    d.recent_validation_reports,
    { empty: empty("No validation reports", "Attach an expectation suite to a feature group to validate every insert.") },
  );
  const models = table(
    [
      { label: "Model", value: (r) => link(r.url, r.label) },
      { label: "Framework", value: (r) => r.framework || "—" },
      {
        label: "Metrics",
        value: (r) =>
          Object.entries(r.metrics)
            .slice(0, 3)
            .map(([k, v]) => `${k} ${num(v)}`)
            .join(", ") || "—",
      },
      { label: "Feature view", value: (r) => (r.feature_view ? refLink(r.feature_view) : "—") },
      { label: "Created", value: (r) => time(r.created) },
    ],
    d.recent_models,
    { empty: empty("No models yet", "Register a model with mr.python.create_model(...).save(dir).") },
  );
  const backends = kv([
    ["Catalog", d.project.catalog],
    ["Offline store", d.project.offline],
    ["Online store", d.project.online],
    ["Directory", d.project.path],
  ]);
  return [
    header,
    tiles,
    h(
      "div",
      { class: "grid-2" },
      card("Recent activity", activityList(d.activity), { id: "activity" }),
      h("div", { class: "stack" }, card("Latest commits", commits, { id: "latest-commits" }), card("Data validation", reports, { id: "latest-validation" })),
    ),
    card("Models", models, { id: "latest-models" }),
    card("Backends", backends, { class: "muted-card" }),
  ];
}
