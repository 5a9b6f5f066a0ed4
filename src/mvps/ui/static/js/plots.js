// Small inline-SVG charts: histograms, value bars, stacked commit bars, metric bars and
// the lineage graph. Colours come from CSS classes (see style.css).

import { compact, h, num, s, truncate } from "./dom.js";

let uid = 0;

function svgRoot(width, height, label, cls = "chart") {
  return s("svg", {
    class: cls,
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": label || "chart",
    preserveAspectRatio: "xMinYMin meet",
  });
}

/** Round tick values from 0 to at least max. */
export function niceTicks(max, count = 4) {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) || raw;
  const ticks = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function yAxis(g, ticks, x0, x1, yOf) {
  for (const t of ticks) {
    const y = yOf(t);
    g.appendChild(s("line", { class: "grid", x1: x0, x2: x1, y1: y, y2: y }));
    g.appendChild(s("text", { class: "tick", x: x0 - 6, y: y + 3.5, "text-anchor": "end" }, compact(t)));
  }
}

/** A histogram of equal-width bins: [{bin: [lo, hi], count}]. */
export function histogram(bins, opts = {}) {
  const W = opts.width || 320;
  const H = opts.height || 150;
  const m = { l: 40, r: 10, t: 8, b: 24 };
  const root = svgRoot(W, H, opts.label || "histogram", "chart histogram");
  const max = Math.max(1, ...bins.map((b) => b.count || 0));
  const ticks = niceTicks(max, 3);
  const top = ticks[ticks.length - 1];
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const yOf = (v) => m.t + ih - (v / top) * ih;
  yAxis(root, ticks, m.l, W - m.r, yOf);
  const bw = iw / Math.max(1, bins.length);
  bins.forEach((b, i) => {
    const y = yOf(b.count || 0);
    const [lo, hi] = b.bin || [];
    const last = i === bins.length - 1;
    const rect = s(
      "rect",
      { class: "bar", x: m.l + i * bw + 0.5, y, width: Math.max(1, bw - 1), height: Math.max(0, m.t + ih - y) },
      s("title", null, `${last ? "[" : "["}${num(lo)}, ${num(hi)}${last ? "]" : ")"}: ${num(b.count)}`),
    );
    root.appendChild(rect);
  });
  root.appendChild(s("line", { class: "axis", x1: m.l, x2: W - m.r, y1: m.t + ih, y2: m.t + ih }));
  if (bins.length) {
    const lo = bins[0].bin ? bins[0].bin[0] : null;
    const hi = bins[bins.length - 1].bin ? bins[bins.length - 1].bin[1] : null;
    root.appendChild(s("text", { class: "tick", x: m.l, y: H - 6, "text-anchor": "start" }, num(lo)));
    root.appendChild(s("text", { class: "tick", x: W - m.r, y: H - 6, "text-anchor": "end" }, num(hi)));
    if (bins.length > 2 && lo !== null && hi !== null) {
      root.appendChild(s("text", { class: "tick", x: m.l + iw / 2, y: H - 6, "text-anchor": "middle" }, num((lo + hi) / 2)));
    }
  }
  return root;
}

/** A box plot from five numbers {min, p25, median, p75, max} (numeric features
 * whose statistics have percentiles but no histogram). */
export function boxPlot(f, opts = {}) {
  const W = opts.width || 320;
  const H = 64;
  const m = { l: 12, r: 12 };
  const root = svgRoot(W, H, opts.label || "box plot", "chart boxplot");
  const lo = f.min;
  const hi = f.max;
  const span = hi - lo || 1;
  const x = (v) => m.l + ((v - lo) / span) * (W - m.l - m.r);
  const y = 22;
  root.appendChild(s("line", { class: "whisker", x1: x(lo), x2: x(hi), y1: y, y2: y }));
  for (const v of [lo, hi]) root.appendChild(s("line", { class: "whisker", x1: x(v), x2: x(v), y1: y - 7, y2: y + 7 }));
  if (f.p25 !== null && f.p75 !== null) {
    root.appendChild(s("rect", { class: "box", x: x(f.p25), y: y - 11, width: Math.max(1, x(f.p75) - x(f.p25)), height: 22, rx: 2 }, s("title", null, `p25 ${num(f.p25)} · p75 ${num(f.p75)}`)));
  }
  if (f.median !== null) root.appendChild(s("line", { class: "median", x1: x(f.median), x2: x(f.median), y1: y - 11, y2: y + 11 }, s("title", null, `median ${num(f.median)}`)));
  root.appendChild(s("text", { class: "tick", x: m.l, y: H - 8, "text-anchor": "start" }, num(lo)));
  root.appendChild(s("text", { class: "tick", x: W - m.r, y: H - 8, "text-anchor": "end" }, num(hi)));
  if (f.median !== null) root.appendChild(s("text", { class: "tick", x: x(f.median), y: H - 8, "text-anchor": "middle" }, num(f.median)));
  return root;
}

/** Horizontal bars of labelled values (top values of a categorical feature). */
export function hbars(items, opts = {}) {
  const W = opts.width || 320;
  const rowH = opts.rowHeight || 20;
  const limit = opts.limit || 8;
  const shown = items.slice(0, limit);
  const labelW = opts.labelWidth || 124;
  const valueW = 54;
  const H = shown.length * rowH + 4;
  const root = svgRoot(W, H, opts.label || "values", "chart hbars");
  const max = Math.max(1, ...shown.map((x) => x.value || 0));
  const bw = W - labelW - valueW;
  shown.forEach((item, i) => {
    const y = i * rowH + 2;
    const label = item.label === null || item.label === undefined ? "(null)" : String(item.label);
    root.appendChild(s("text", { class: "label", x: labelW - 8, y: y + rowH / 2 + 4, "text-anchor": "end" }, truncate(label, 17), s("title", null, label)));
    const w = Math.max(1, ((item.value || 0) / max) * bw);
    root.appendChild(s("rect", { class: "bar", x: labelW, y: y + 3, width: w, height: rowH - 6, rx: 2 }, s("title", null, `${label}: ${num(item.value)}`)));
    root.appendChild(s("text", { class: "value", x: labelW + w + 6, y: y + rowH / 2 + 4 }, opts.format ? opts.format(item) : compact(item.value)));
  });
  return root;
}

/**
 * Stacked vertical bars: categories [{label, title, values: {key: n}}], series
 * [{key, label, cls}]. Draws a legend above the chart.
 */
export function stackedBars(categories, series, opts = {}) {
  const H = opts.height || 220;
  const m = { l: 48, r: 12, t: 10, b: 34 };
  const slot = Math.max(14, Math.min(48, 640 / Math.max(1, categories.length)));
  const W = Math.max(opts.minWidth || 480, m.l + m.r + slot * categories.length);
  const root = svgRoot(W, H, opts.label || "stacked bars", "chart stacked");
  const totals = categories.map((c) => series.reduce((acc, sr) => acc + (c.values[sr.key] || 0), 0));
  const ticks = niceTicks(Math.max(1, ...totals), 4);
  const top = ticks[ticks.length - 1];
  const ih = H - m.t - m.b;
  const yOf = (v) => m.t + ih - (v / top) * ih;
  yAxis(root, ticks, m.l, W - m.r, yOf);
  const every = Math.ceil(categories.length / Math.max(1, Math.floor((W - m.l - m.r) / 56)));
  categories.forEach((c, i) => {
    const x = m.l + i * slot + slot * 0.15;
    const bw = slot * 0.7;
    let acc = 0;
    const g = s("g", { class: "stack" });
    for (const sr of series) {
      const v = c.values[sr.key] || 0;
      if (!v) continue;
      const y0 = yOf(acc);
      const y1 = yOf(acc + v);
      g.appendChild(s("rect", { class: `bar ${sr.cls}`, x, y: y1, width: bw, height: Math.max(1, y0 - y1) }, s("title", null, `${c.title || c.label}\n${sr.label}: ${num(v)}`)));
      acc += v;
    }
    if (!acc) g.appendChild(s("rect", { class: "bar empty", x, y: yOf(0) - 1, width: bw, height: 1 }, s("title", null, `${c.title || c.label}: no row changes`)));
    root.appendChild(g);
    if (i % every === 0) {
      root.appendChild(s("text", { class: "tick", x: x + bw / 2, y: H - m.b + 14, "text-anchor": "middle" }, truncate(c.label, 10)));
    }
  });
  root.appendChild(s("line", { class: "axis", x1: m.l, x2: W - m.r, y1: yOf(0), y2: yOf(0) }));
  if (opts.xLabel) root.appendChild(s("text", { class: "axis-label", x: m.l + (W - m.l - m.r) / 2, y: H - 4, "text-anchor": "middle" }, opts.xLabel));
  const legend = h(
    "div",
    { class: "legend" },
    series.map((sr) => h("span", { class: "legend-item" }, h("span", { class: `swatch ${sr.cls}` }), sr.label)),
  );
  return h("div", { class: "chart-box" }, legend, h("div", { class: "chart-scroll" }, root));
}

/** Vertical bars [{label, value, highlight, title}] with value labels (metrics). */
export function barChart(items, opts = {}) {
  const H = opts.height || 180;
  const m = { l: 44, r: 10, t: 18, b: 26 };
  const slot = Math.max(opts.minSlot || 28, Math.min(64, 420 / Math.max(1, items.length)));
  const W = Math.max(opts.minWidth || 260, m.l + m.r + slot * items.length);
  const every = Math.ceil(items.length / Math.max(1, Math.floor((W - m.l - m.r) / 40)));
  const root = svgRoot(W, H, opts.label || "bars", "chart bars");
  const values = items.map((x) => (typeof x.value === "number" && Number.isFinite(x.value) ? x.value : 0));
  const lo = Math.min(0, ...values);
  const hiRaw = Math.max(...values, 0);
  const ticks = opts.max ? niceTicks(opts.max, 4) : niceTicks(hiRaw > 0 ? hiRaw : 1, 3);
  const top = ticks[ticks.length - 1];
  const ih = H - m.t - m.b;
  const span = top - lo || 1;
  const yOf = (v) => m.t + ih - ((v - lo) / span) * ih;
  yAxis(root, ticks, m.l, W - m.r, yOf);
  items.forEach((it, i) => {
    const x = m.l + i * slot + slot * 0.18;
    const bw = slot * 0.64;
    const has = typeof it.value === "number" && Number.isFinite(it.value);
    const v = has ? it.value : 0;
    const y = Math.min(yOf(v), yOf(0));
    const hgt = Math.max(has ? 1 : 0, Math.abs(yOf(v) - yOf(0)));
    root.appendChild(s("rect", { class: `bar${it.highlight ? " highlight" : ""}${it.cls ? ` ${it.cls}` : ""}`, x, y, width: bw, height: hgt, rx: 2 }, s("title", null, it.title || `${it.label}: ${has ? num(it.value) : "no value"}`)));
    root.appendChild(s("text", { class: "value", x: x + bw / 2, y: y - 4, "text-anchor": "middle" }, has ? compact(v) : "–"));
    if (i % every === 0) root.appendChild(s("text", { class: "tick", x: x + bw / 2, y: H - m.b + 14, "text-anchor": "middle" }, truncate(it.label, 8)));
  });
  root.appendChild(s("line", { class: "axis", x1: m.l, x2: W - m.r, y1: yOf(0), y2: yOf(0) }));
  return root;
}

/** A proportion bar of splits: [{label, value, cls}]. */
export function splitBar(parts) {
  const total = parts.reduce((a, p) => a + (p.value || 0), 0) || 1;
  return h(
    "div",
    { class: "split-bar", role: "img", "aria-label": parts.map((p) => `${p.label} ${num(p.value)}`).join(", ") },
    parts.map((p) => {
      const seg = h("span", { class: `split-seg ${p.cls || ""}`, title: `${p.label}: ${num(p.value)} rows` });
      seg.style.width = `${((p.value || 0) / total) * 100}%`;
      return seg;
    }),
  );
}

// ------------------------------------------------------------------ lineage graph

const KIND_ORDER = ["feature_group", "feature_view", "training_dataset", "model", "deployment"];
const KIND_SHORT = {
  feature_group: "FEATURE GROUP",
  feature_view: "FEATURE VIEW",
  training_dataset: "TRAINING DATA",
  model: "MODEL",
  deployment: "DEPLOYMENT",
};

/** Layered layout: column = longest path from a source; rows ordered by barycentre. */
export function layoutGraph(nodes, edges) {
  const ids = nodes.map((n) => n.id);
  const preds = new Map(ids.map((id) => [id, []]));
  const succs = new Map(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!preds.has(e.target) || !succs.has(e.source)) continue;
    preds.get(e.target).push(e.source);
    succs.get(e.source).push(e.target);
  }
  const layer = new Map(ids.map((id) => [id, 0]));
  for (let iter = 0; iter < ids.length; iter += 1) {
    let changed = false;
    for (const e of edges) {
      if (!layer.has(e.source) || !layer.has(e.target)) continue;
      const want = layer.get(e.source) + 1;
      if (layer.get(e.target) < want && want < ids.length + 1) {
        layer.set(e.target, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const maxLayer = Math.max(0, ...layer.values());
  for (const n of nodes) {
    if (!preds.get(n.id).length && !succs.get(n.id).length) {
      layer.set(n.id, Math.min(maxLayer, Math.max(0, KIND_ORDER.indexOf(n.kind))));
    }
  }
  const columns = [];
  for (const n of nodes) {
    const l = layer.get(n.id);
    (columns[l] = columns[l] || []).push(n);
  }
  const row = new Map();
  columns.forEach((col) => col && col.forEach((n, i) => row.set(n.id, i)));
  for (let sweep = 0; sweep < 2; sweep += 1) {
    columns.forEach((col, l) => {
      if (!col || l === 0) return;
      const bary = (n) => {
        const p = preds.get(n.id);
        return p.length ? p.reduce((a, id) => a + row.get(id), 0) / p.length : row.get(n.id);
      };
      col.sort((a, b) => bary(a) - bary(b) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.label.localeCompare(b.label));
      col.forEach((n, i) => row.set(n.id, i));
    });
  }
  return { columns: columns.map((c) => c || []), layer, row };
}

/** The lineage graph: nodes [{id, kind, label, url, deleted, focus}], edges [{source, target}]. */
export function lineageGraph(nodes, edges) {
  const NW = 190;
  const NH = 56;
  const GX = 56;
  const GY = 18;
  const PAD = 16;
  const { columns } = layoutGraph(nodes, edges);
  const tallest = Math.max(1, ...columns.map((c) => c.length));
  const W = PAD * 2 + columns.length * NW + Math.max(0, columns.length - 1) * GX;
  const H = PAD * 2 + tallest * NH + (tallest - 1) * GY;
  const pos = new Map();
  columns.forEach((col, l) => {
    const offset = ((tallest - col.length) * (NH + GY)) / 2;
    col.forEach((n, i) => pos.set(n.id, { x: PAD + l * (NW + GX), y: PAD + offset + i * (NH + GY) }));
  });
  const root = svgRoot(W, H, "lineage graph", "lineage");
  // shrink to fit the page down to 60% of its size, then scroll
  root.removeAttribute("width");
  root.removeAttribute("height");
  root.style.maxWidth = `${W}px`;
  root.style.minWidth = `${Math.round(W * 0.6)}px`;
  const marker = `arrow-${++uid}`;
  root.appendChild(
    s("defs", null, s("marker", { id: marker, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { class: "arrow", d: "M0,0 L10,5 L0,10 z" }))),
  );
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const e of edges) {
    const a = pos.get(e.source);
    const b = pos.get(e.target);
    if (!a || !b) continue;
    const x1 = a.x + NW;
    const y1 = a.y + NH / 2;
    const x2 = b.x - 2;
    const y2 = b.y + NH / 2;
    const dx = Math.max(24, (x2 - x1) / 2);
    const dead = (byId.get(e.source) || {}).deleted || (byId.get(e.target) || {}).deleted;
    root.appendChild(s("path", { class: `edge${dead ? " dead" : ""}`, d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}`, "marker-end": `url(#${marker})` }));
  }
  for (const n of nodes) {
    const p = pos.get(n.id);
    const g = s("g", { class: `node kind-${n.kind}${n.deleted ? " deleted" : ""}${n.focus ? " focus" : ""}`, transform: `translate(${p.x},${p.y})`, dataset: { id: n.id } });
    g.appendChild(s("rect", { class: "node-box", width: NW, height: NH, rx: 8 }));
    g.appendChild(s("rect", { class: "node-stripe", width: 5, height: NH, rx: 2 }));
    g.appendChild(s("text", { class: "node-kind", x: 14, y: 20 }, KIND_SHORT[n.kind] || n.kind, n.deleted ? " · DELETED" : ""));
    g.appendChild(s("text", { class: "node-label", x: 14, y: 40 }, truncate(n.label, 25)));
    g.appendChild(s("title", null, `${KIND_SHORT[n.kind] || n.kind}: ${n.label}${n.deleted ? " (deleted)" : ""}`));
    if (n.deleted || !n.url) {
      root.appendChild(g);
    } else {
      root.appendChild(s("a", { href: n.url, class: "node-link" }, g));
    }
  }
  return h("div", { class: "graph-scroll" }, root);
}

export function lineageLegend() {
  return h(
    "div",
    { class: "legend" },
    KIND_ORDER.map((k) => h("span", { class: "legend-item" }, h("span", { class: `swatch kind-${k}` }), KIND_SHORT[k].toLowerCase())),
    h("span", { class: "legend-item" }, h("span", { class: "swatch deleted" }), "deleted"),
  );
}
