// DOM building and formatting helpers.
//
// Every value reaches the page through text nodes or setAttribute (never parsed as HTML),
// so names, descriptions and data cannot inject markup.

const SVG_NS = "http://www.w3.org/2000/svg";

function append(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  if (child instanceof Node) {
    parent.appendChild(child);
    return;
  }
  parent.appendChild(document.createTextNode(String(child)));
}

function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "dataset") {
      for (const [k, v] of Object.entries(value)) el.dataset[k] = String(v);
    } else if (key === "href") {
      el.setAttribute("href", safeHref(value));
    } else if (key === "src") {
      el.setAttribute("src", safeHref(value));
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

/** Only same-origin paths ("/..."): no javascript:, data: or external URLs. */
export function safeHref(value) {
  const s = String(value);
  if (s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\")) return s;
  if (s.startsWith("#") || s.startsWith("?")) return s;
  return "#";
}

/** An HTML element: h("a", {href: "/x", class: "y"}, "text", child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** An SVG element (same signature as h). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** A URL path from segments, each percent-encoded. */
export function path(...segments) {
  return "/" + segments.map((x) => encodeURIComponent(String(x))).join("/");
}

/** A link to a page of this UI. */
export function link(href, ...children) {
  return h("a", { href }, ...children);
}

// ------------------------------------------------------------------ formatting

const DASH = "—";

export function isNum(v) {
  return typeof v === "number" && Number.isFinite(v);
}

/** A number for display: integers grouped, others with 4 significant digits. */
export function num(v, digits = 4) {
  if (v === null || v === undefined || v === "") return DASH;
  if (typeof v !== "number") return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return v.toLocaleString("en-US");
  const a = Math.abs(v);
  if (a >= 1e12 || (a > 0 && a < 1e-3)) return v.toExponential(2);
  if (a >= 1e5) return v.toLocaleString("en-US", { maximumFractionDigits: 0 });
  if (a >= 1000) return v.toLocaleString("en-US", { maximumFractionDigits: 1 });
  return String(Number(v.toPrecision(digits)));
}

/** A compact number for chart axes (1.2k, 3M). */
export function compact(v) {
  if (!isNum(v)) return "";
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

export function pct(v, digits = 1) {
  if (!isNum(v)) return DASH;
  return `${v.toFixed(digits).replace(/\.0+$/, "")}%`;
}

/** A fraction (0..1) as a percentage. */
export function frac(v, digits = 1) {
  return isNum(v) ? pct(v * 100, digits) : DASH;
}

function pad(n) {
  return String(n).padStart(2, "0");
}

/** "2024-05-01 13:45" in local time. */
export function date(iso, withSeconds = false) {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return withSeconds ? `${base}:${pad(d.getSeconds())}` : base;
}

/** A <time> element showing the local date, with the exact ISO time as its title. */
export function time(iso, withSeconds = false) {
  if (!iso) return DASH;
  return h("time", { datetime: iso, title: iso }, date(iso, withSeconds));
}

/** "3 min ago". */
export function ago(iso) {
  if (!iso) return "";
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "";
  const sec = Math.round((Date.now() - t) / 1000);
  if (sec < 45) return "just now";
  const units = [
    [60, "min", 60],
    [3600, "h", 24],
    [86400, "d", 30],
    [2592000, "mo", 12],
    [31536000, "y", Infinity],
  ];
  for (const [size, unit, limit] of units) {
    const n = Math.round(sec / size);
    if (n < limit) return `${Math.max(1, n)} ${unit} ago`;
  }
  return "";
}

export function bytes(n) {
  if (!isNum(n)) return DASH;
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** A value of any type as short display text. */
export function text(v) {
  if (v === null || v === undefined) return DASH;
  if (typeof v === "number") return num(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function plural(n, word, many) {
  return `${num(n)} ${n === 1 ? word : many || `${word}s`}`;
}

export function truncate(str, max) {
  const t = String(str);
  return t.length > max ? `${t.slice(0, Math.max(1, max - 1))}…` : t;
}
