// Page building blocks: headers, cards, tables, tabs, badges, empty states.

import { h, num, text, time } from "./dom.js";

export const KIND_LABELS = {
  feature_group: "Feature group",
  feature_view: "Feature view",
  training_dataset: "Training dataset",
  model: "Model",
  deployment: "Deployment",
  job: "Job",
};

export function badge(label, tone = "neutral", title) {
  return h("span", { class: `badge badge-${tone}`, title }, label);
}

export function kindBadge(kind) {
  return h("span", { class: `badge kind kind-${kind}` }, KIND_LABELS[kind] || kind);
}

export function stateBadge(state) {
  const s = String(state || "UNKNOWN").toUpperCase();
  const tone = { RUNNING: "ok", STARTING: "info", CREATED: "neutral", STOPPED: "neutral", IDLE: "neutral", FAILED: "bad", ERROR: "bad" }[s] || "neutral";
  return badge(s.toLowerCase(), tone);
}

export function successBadge(success) {
  return success ? badge("success", "ok") : badge("failure", "bad");
}

export function ingestionBadge(result) {
  const r = String(result || "UNKNOWN").toUpperCase();
  const tone = { INGESTED: "ok", REJECTED: "bad", EXPERIMENT: "info", FG_DATA: "info" }[r] || "neutral";
  return badge(r.toLowerCase(), tone);
}

/** A link to an object reference ({label, url, deleted}) from the API. */
export function refLink(ref, label) {
  if (!ref) return "—";
  const name = label || ref.label || `${ref.name} v${ref.version}`;
  if (ref.deleted) {
    return h("span", { class: "ref deleted", title: "deleted" }, name, " ", badge("deleted", "bad"));
  }
  return h("a", { href: ref.url, class: "ref" }, name);
}

/**
 * The header of a page.
 * crumbs: [[label, href]...]; badges: nodes; meta: nodes shown under the title.
 */
export function pageHeader({ crumbs = [], title, kind, version, badges = [], subtitle, actions }) {
  const trail = crumbs.length
    ? h(
        "nav",
        { class: "crumbs", "aria-label": "Breadcrumb" },
        crumbs.map(([label, href], i) => [
          i ? h("span", { class: "sep", "aria-hidden": "true" }, "/") : null,
          href ? h("a", { href }, label) : h("span", null, label),
        ]),
      )
    : null;
  return h(
    "header",
    { class: "page-header" },
    trail,
    h(
      "div",
      { class: "title-row" },
      h(
        "h1",
        null,
        kind ? kindBadge(kind) : null,
        h("span", { class: "title-text" }, title),
        version !== undefined && version !== null ? h("span", { class: "version" }, `v${version}`) : null,
      ),
      badges.length ? h("div", { class: "title-badges" }, badges) : null,
      actions ? h("div", { class: "title-actions" }, actions) : null,
    ),
    subtitle ? h("p", { class: "subtitle" }, subtitle) : null,
  );
}

export function card(title, body, opts = {}) {
  return h(
    "section",
    { class: `card ${opts.class || ""}`.trim(), id: opts.id },
    title || opts.actions
      ? h("div", { class: "card-head" }, title ? h("h2", null, title) : null, opts.actions ? h("div", { class: "card-actions" }, opts.actions) : null)
      : null,
    h("div", { class: "card-body" }, body),
  );
}

/** Key/value pairs: [[label, value]...]; null values are skipped. */
export function kv(pairs) {
  return h(
    "dl",
    { class: "kv" },
    pairs
      .filter(([, v]) => v !== null && v !== undefined && v !== "")
      .map(([k, v]) => h("div", { class: "kv-row" }, h("dt", null, k), h("dd", null, v instanceof Node || Array.isArray(v) ? v : text(v)))),
  );
}

export function statTile(label, value, opts = {}) {
  const inner = [h("span", { class: "stat-value" }, typeof value === "number" ? num(value) : value), h("span", { class: "stat-label" }, label)];
  return opts.href
    ? h("a", { class: `stat ${opts.tone ? `stat-${opts.tone}` : ""}`.trim(), href: opts.href, dataset: opts.dataset || {} }, inner)
    : h("div", { class: `stat ${opts.tone ? `stat-${opts.tone}` : ""}`.trim(), dataset: opts.dataset || {} }, inner);
}

export function stats(tiles) {
  return h("div", { class: "stats" }, tiles);
}

/**
 * A table. columns: [{label, value: row => node|string, num: bool, class}].
 * opts.rowAttrs(row) gives attributes of a row; opts.empty is shown without rows.
 */
export function table(columns, rows, opts = {}) {
  if (!rows.length && opts.empty) return opts.empty;
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: `table ${opts.class || ""}`.trim() },
      h("thead", null, h("tr", null, columns.map((c) => h("th", { class: c.num ? "num" : c.class, scope: "col" }, c.label)))),
      h(
        "tbody",
        null,
        rows.map((row, i) =>
          h(
            "tr",
            opts.rowAttrs ? opts.rowAttrs(row, i) : null,
            columns.map((c) => {
              const v = c.value(row, i);
              return h("td", { class: c.num ? "num" : c.class }, v instanceof Node || Array.isArray(v) ? v : text(v));
            }),
          ),
        ),
      ),
    ),
  );
}

export function empty(title, hint) {
  return h("div", { class: "empty" }, h("p", { class: "empty-title" }, title), hint ? h("p", { class: "empty-hint" }, hint) : null);
}

export function errorBox(err) {
  const status = err && err.status ? `${err.status} ` : "";
  const title = err && err.status === 404 ? "Not found" : "Something went wrong";
  return h("div", { class: "error-box", role: "alert" }, h("strong", null, `${status}${title}`), h("p", null, err && err.message ? err.message : String(err)));
}

export function loading(label = "Loading…") {
  return h("p", { class: "loading" }, label);
}

export function code(value) {
  return h("code", null, text(value));
}

export function pre(value, cls = "") {
  const t = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return h("pre", { class: `code ${cls}`.trim() }, t);
}

export function chips(items, cls = "") {
  if (!items || !items.length) return "—";
  return h("span", { class: "chips" }, items.map((x) => h("span", { class: `chip ${cls}`.trim() }, String(x))));
}

/**
 * Tabs. defs: [{id, label, count, render: async (panel) => void}]. The active tab is
 * the `tab` query parameter; switching replaces it in the URL. Panels render lazily.
 */
export function tabs(defs, opts = {}) {
  const params = new URLSearchParams(location.search);
  let active = params.get("tab");
  if (!defs.some((d) => d.id === active)) active = defs[0].id;
  const panel = h("div", { class: "tab-panel", role: "tabpanel" });
  const buttons = {};
  let token = 0;
  async function show(id, push) {
    active = id;
    for (const [k, b] of Object.entries(buttons)) {
      b.setAttribute("aria-selected", String(k === id));
      b.classList.toggle("active", k === id);
    }
    if (push) {
      const p = new URLSearchParams(location.search);
      if (id === defs[0].id) p.delete("tab");
      else p.set("tab", id);
      for (const k of opts.resetParams || []) p.delete(k);
      const qs = p.toString();
      history.replaceState(history.state, "", `${location.pathname}${qs ? `?${qs}` : ""}`);
    }
    const mine = ++token;
    const def = defs.find((d) => d.id === id);
    const body = h("div", { class: "tab-body", dataset: { tab: id } });
    panel.replaceChildren(body);
    body.appendChild(loading());
    try {
      const content = await def.render();
      if (mine !== token) return;
      body.replaceChildren(...[].concat(content).filter(Boolean));
    } catch (err) {
      if (mine !== token) return;
      body.replaceChildren(errorBox(err));
    }
  }
  const bar = h(
    "div",
    { class: "tabs", role: "tablist" },
    defs.map((d) => {
      const b = h(
        "button",
        { type: "button", role: "tab", class: "tab", dataset: { tab: d.id }, onclick: () => show(d.id, true) },
        d.label,
        d.count !== undefined && d.count !== null ? h("span", { class: "tab-count" }, num(d.count)) : null,
      );
      buttons[d.id] = b;
      return b;
    }),
  );
  show(active, false);
  return h("div", { class: "tabbed" }, bar, panel);
}

/** A version picker linking to each version's page. */
export function versionPicker(versions, current, hrefOf) {
  if (!versions || versions.length < 2) return null;
  return h(
    "div",
    { class: "version-picker", "aria-label": "Versions" },
    h("span", { class: "muted" }, "Versions"),
    versions.map((v) => (v === current ? h("span", { class: "ver current", "aria-current": "page" }, `v${v}`) : h("a", { class: "ver", href: hrefOf(v) }, `v${v}`))),
  );
}

/** A search box; onInput(value) is called as the user types. */
export function searchBox(placeholder, value, onInput) {
  const input = h("input", { type: "search", class: "search", placeholder, value: value || "", "aria-label": placeholder });
  input.addEventListener("input", () => onInput(input.value));
  return input;
}

export function when(iso) {
  return time(iso);
}
