// Statistics of a table (a feature-group commit or a training-dataset split): one card
// per feature with its summary numbers and a histogram (numeric) or top values
// (categorical).

import { empty, searchBox } from "./components.js";
import { frac, h, isNum, num } from "./dom.js";
import { boxPlot, hbars, histogram } from "./plots.js";

const NUMERIC = new Set(["Integral", "Fractional"]);

/** The date of an ISO timestamp ("2016-12-01"); other values unchanged. */
function shortTime(v) {
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT00:00:00(\.0+)?(Z|[+-]00:00)?$/.test(v)) return v.slice(0, 10);
  if (typeof v === "string" && /^\d{4}-\d\d-\d\dT/.test(v)) return v.slice(0, 16).replace("T", " ");
  return v;
}

function summary(f) {
  const rows = [
    ["count", num(f.count)],
    ["missing", f.num_null_values !== null && f.num_null_values !== undefined ? `${num(f.num_null_values)} (${frac(1 - (f.completeness ?? 1))})` : null],
    ["distinct", f.exact_num_distinct_values ?? f.approx_num_distinct_values],
  ];
  if (NUMERIC.has(f.feature_type)) {
    rows.push(["mean", f.mean], ["std dev", f.stddev], ["min", f.min], ["median", f.median], ["max", f.max]);
  } else if (f.min !== null && f.min !== undefined) {
    rows.push(["min", shortTime(f.min), "wide"], ["max", shortTime(f.max), "wide"]);
  }
  return h(
    "dl",
    { class: "mini-kv" },
    rows
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v, cls]) => h("div", { class: cls }, h("dt", null, k), h("dd", { title: String(v) }, typeof v === "number" ? num(v) : String(v)))),
  );
}

function plot(f) {
  if (f.histogram && f.histogram.length) {
    return histogram(f.histogram, { label: `histogram of ${f.feature_name}` });
  }
  if (f.top_values && f.top_values.length) {
    const items = f.top_values.map((t) => ({ label: t.value, value: t.count }));
    const total = f.num_non_null_values || 0;
    return h(
      "div",
      { class: "top-values" },
      hbars(items, { label: `top values of ${f.feature_name}`, format: (it) => (total ? frac(it.value / total, 0) : num(it.value)) }),
      f.top_values.length > 8 ? h("p", { class: "muted small" }, `${f.top_values.length - 8} more frequent values not shown`) : null,
    );
  }
  if (NUMERIC.has(f.feature_type) && isNum(f.min) && isNum(f.max) && isNum(f.median)) {
    return h("div", { class: "box-plot" }, boxPlot(f, { label: `distribution of ${f.feature_name}` }), h("p", { class: "muted small no-plot" }, "Quartiles (histograms were not computed)."));
  }
  return h("p", { class: "muted small no-plot" }, NUMERIC.has(f.feature_type) ? "No distribution (no values)." : "No distribution for this type.");
}

export function featureCard(f) {
  const kind = NUMERIC.has(f.feature_type) ? "numeric" : f.top_values ? "categorical" : "other";
  return h(
    "article",
    { class: `feature-card ${kind}`, dataset: { feature: f.feature_name } },
    h("header", null, h("h3", null, f.feature_name), h("span", { class: "type" }, f.feature_type || "")),
    summary(f),
    plot(f),
  );
}

/** A searchable grid of feature cards for a statistics document ({features: [...]}). */
export function statisticsGrid(stats) {
  if (!stats || !stats.features || !stats.features.length) {
    return empty("No statistics", "Statistics are computed on every insert when statistics are enabled.");
  }
  const grid = h("div", { class: "feature-grid" }, stats.features.map(featureCard));
  const cards = Array.from(grid.children);
  const filter =
    stats.features.length > 6
      ? searchBox("Filter features", "", (q) => {
          const needle = q.trim().toLowerCase();
          for (const c of cards) c.hidden = needle !== "" && !c.dataset.feature.toLowerCase().includes(needle);
        })
      : null;
  return h("div", { class: "statistics" }, filter ? h("div", { class: "toolbar" }, filter) : null, grid);
}
