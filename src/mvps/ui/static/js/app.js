// The UI's entry point: a small client-side router over the pages.
//
// Every page is drawn from JSON documents under /api; links between pages are plain
// <a href> elements, intercepted here so navigation does not reload the page.

import { getJSON } from "./api.js";
import { errorBox, loading } from "./components.js";
import { h } from "./dom.js";
import { deploymentPage, deploymentsPage } from "./pages/deployments.js";
import { featureGroupPage, featureGroupsPage, featureGroupLatest } from "./pages/featureGroups.js";
import { featureViewPage, featureViewsPage, featureViewLatest } from "./pages/featureViews.js";
import { jobPage, jobsPage } from "./pages/jobs.js";
import { lineagePage } from "./pages/lineage.js";
import { modelPage, modelsPage, modelVersionsPage } from "./pages/models.js";
import { overviewPage } from "./pages/overview.js";

const SEG = "([^/]+)";
const VER = "(\\d+)";

const ROUTES = [
  [/^\/$/, "overview", overviewPage],
  [/^\/feature-groups\/?$/, "feature-groups", featureGroupsPage],
  [new RegExp(`^/feature-groups/${SEG}/?$`), "feature-groups", featureGroupLatest],
  [new RegExp(`^/feature-groups/${SEG}/${VER}/?$`), "feature-groups", featureGroupPage],
  [/^\/feature-views\/?$/, "feature-views", featureViewsPage],
  [new RegExp(`^/feature-views/${SEG}/?$`), "feature-views", featureViewLatest],
  [new RegExp(`^/feature-views/${SEG}/${VER}/?$`), "feature-views", featureViewPage],
  [/^\/models\/?$/, "models", modelsPage],
  [new RegExp(`^/models/${SEG}/?$`), "models", modelVersionsPage],
  [new RegExp(`^/models/${SEG}/${VER}/?$`), "models", modelPage],
  [/^\/deployments\/?$/, "deployments", deploymentsPage],
  [new RegExp(`^/deployments/${SEG}/?$`), "deployments", deploymentPage],
  [/^\/lineage\/?$/, "lineage", lineagePage],
  [new RegExp(`^/lineage/${SEG}/${SEG}/${VER}/?$`), "lineage", lineagePage],
  [/^\/jobs\/?$/, "jobs", jobsPage],
  [new RegExp(`^/jobs/${SEG}/?$`), "jobs", jobPage],
];

const main = document.getElementById("main");
let renderToken = 0;

function setActiveNav(section) {
  for (const a of document.querySelectorAll(".nav a")) {
    const on = a.dataset.nav === section;
    a.classList.toggle("active", on);
    if (on) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

/** Go to a page of the UI without reloading. */
export function navigate(href, replace = false) {
  if (replace) history.replaceState(null, "", href);
  else history.pushState(null, "", href);
  render();
}

async function render() {
  const token = ++renderToken;
  const url = new URL(location.href);
  const found = ROUTES.map(([re, section, fn]) => [url.pathname.match(re), section, fn]).find(([m]) => m);
  main.setAttribute("aria-busy", "true");
  main.replaceChildren(loading());
  if (!found) {
    setActiveNav(null);
    main.replaceChildren(errorBox({ status: 404, message: `There is no page at ${url.pathname}.` }));
    main.removeAttribute("aria-busy");
    document.title = "Not found · mvps";
    return;
  }
  const [match, section, page] = found;
  setActiveNav(section);
  const params = match.slice(1).map((x) => decodeURIComponent(x));
  const ctx = {
    params,
    query: url.searchParams,
    navigate,
    isCurrent: () => token === renderToken,
    setTitle: (t) => {
      document.title = t ? `${t} · mvps` : "mvps";
    },
  };
  let view;
  try {
    view = await page(ctx);
  } catch (err) {
    view = errorBox(err);
  }
  if (token !== renderToken || view === undefined) return;
  main.replaceChildren(h("div", { class: "view", dataset: { page: section } }, view));
  main.removeAttribute("aria-busy");
  main.dataset.ready = "true";
}

document.addEventListener("click", (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest("a");
  if (!a || a.hasAttribute("download") || (a.getAttribute("target") || "") !== "") return;
  const href = a.getAttribute("href");
  if (!href || href.startsWith("#")) return;
  const url = new URL(href, location.href);
  if (url.origin !== location.origin) return;
  if (url.pathname.startsWith("/api") || url.pathname.startsWith("/ui-assets/")) return;
  event.preventDefault();
  if (url.pathname === location.pathname && url.search === location.search) return;
  navigate(url.pathname + url.search + url.hash);
  window.scrollTo(0, 0);
});

window.addEventListener("popstate", render);

async function loadProjectName() {
  try {
    const doc = await getJSON("/api/project");
    const el = document.getElementById("project-name");
    if (el) el.textContent = doc.name;
  } catch (_) {
    // the page itself reports errors
  }
}

loadProjectName();
render();
