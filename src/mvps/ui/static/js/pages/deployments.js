// Deployments: list and detail with a form that sends a test request to
// POST /v1/models/<name>:predict (same origin under `mvps serve`, else through the UI
// server's proxy endpoint) and shows the answer.

import { getJSON, postJSON } from "../api.js";
import { badge, card, empty, kv, pageHeader, pre, refLink, stateBadge, table, tabs } from "../components.js";
import { h, link, num, path, time } from "../dom.js";
import { lineageCard } from "./featureGroups.js";

const STATUS_TONE = { Running: "ok", Starting: "info", Failed: "bad", Stopped: "neutral" };

function statusBadge(d) {
  return badge(String(d.status || "unknown").toLowerCase(), STATUS_TONE[d.status] || "neutral", d.condition || undefined);
}

export async function deploymentsPage(ctx) {
  const d = await getJSON("/api/deployments");
  ctx.setTitle("Deployments");
  const list = table(
    [
      { label: "Deployment", value: (r) => link(r.url, r.name), class: "name" },
      { label: "Status", value: (r) => statusBadge(r) },
      { label: "Model", value: (r) => refLink(r.model) },
      { label: "Endpoint", value: (r) => (r.endpoint_url ? h("span", { class: "mono small" }, r.endpoint_url) : h("span", { class: "muted" }, "not served")) },
      { label: "Created", value: (r) => time(r.created) },
    ],
    d.items,
    {
      rowAttrs: (r) => ({ dataset: { name: r.name } }),
      empty: empty("No deployments yet", "Deploy a registered model with model.deploy() and start it with deployment.start()."),
    },
  );
  return [pageHeader({ title: "Deployments", subtitle: "Models served over HTTP (KServe v1: POST /v1/models/<name>:predict)." }), card(null, list)];
}

function testForm(dep) {
  const textarea = h("textarea", { class: "code-input", rows: 8, spellcheck: "false", "aria-label": "Request body (JSON)", id: "predict-body" });
  textarea.value = JSON.stringify(dep.example_request, null, 2);
  const output = h("div", { class: "predict-output", id: "predict-output", "aria-live": "polite" });
  const send = h("button", { type: "submit", class: "button primary", id: "predict-send" }, "Send request");
  const form = h(
    "form",
    { class: "predict-form" },
    h("label", { for: "predict-body" }, "Request body"),
    textarea,
    h("div", { class: "form-row" }, send, h("span", { class: "muted small" }, "POST ", h("span", { class: "mono" }, dep.predict_url))),
    output,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let payload;
    try {
      payload = JSON.parse(textarea.value);
    } catch (err) {
      output.replaceChildren(h("div", { class: "error-box" }, h("strong", null, "Not valid JSON"), h("p", null, err.message)));
      return;
    }
    send.disabled = true;
    output.replaceChildren(h("p", { class: "loading" }, "Waiting for the deployment…"));
    try {
      const res = await postJSON(dep.predict_url, payload);
      output.replaceChildren(
        h(
          "div",
          { class: `response ${res.ok ? "ok" : "failed"}`, dataset: { status: res.status } },
          h("div", { class: "response-head" }, badge(`HTTP ${res.status}`, res.ok ? "ok" : "bad"), h("span", { class: "muted small" }, `${num(Math.round(res.elapsedMs))} ms`)),
          pre(res.body === null ? "(empty response)" : res.body, "response-body"),
        ),
      );
    } catch (err) {
      output.replaceChildren(h("div", { class: "error-box" }, h("strong", null, "The request failed"), h("p", null, err.message)));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

function curlExample(dep) {
  const url = dep.endpoint_url || `http://127.0.0.1:8765${dep.predict_path}`;
  return `curl -s -X POST '${url}' \\\n  -H 'Content-Type: application/json' \\\n  -d '${JSON.stringify(dep.example_request)}'`;
}

function overviewTab(dep) {
  const info = kv([
    ["Status", statusBadge(dep)],
    ["Condition", dep.condition],
    ["Desired state", stateBadge(dep.state)],
    ["Model", refLink(dep.model)],
    ["Endpoint", dep.endpoint_url ? h("span", { class: "mono", id: "endpoint-url" }, dep.endpoint_url) : h("span", { class: "muted" }, "no model server runs")],
    ["Predictor", dep.script_file ? h("span", { class: "mono" }, dep.script_file) : "default (the model's pickled estimator)"],
    ["Model server", dep.model_server],
    ["Created", time(dep.created)],
    ["Creator", dep.creator],
  ]);
  const help =
    dep.serving === "none"
      ? h("p", { class: "notice" }, "No model server runs for this project: start the deployment (deployment.start()) or run `mvps serve`; requests sent here will fail until then.")
      : dep.status !== "Running"
        ? h("p", { class: "notice" }, `The deployment is ${String(dep.status).toLowerCase()}; start it with deployment.start().`)
        : null;
  return [
    h("div", { class: "grid-2" }, card("Deployment", info, { id: "deployment-info" }), card("Test request", [help, testForm(dep)], { id: "test-request" })),
    card("From the command line", pre(curlExample(dep)), { id: "curl" }),
    card("Predictor configuration", pre(dep.predictor), { id: "predictor", class: "muted-card" }),
  ];
}

export async function deploymentPage(ctx) {
  const [name] = ctx.params;
  const dep = await getJSON(`/api${path("deployments", name)}`);
  ctx.setTitle(`Deployment ${dep.name}`);
  const header = pageHeader({
    crumbs: [["Deployments", "/deployments"], [dep.name, null]],
    kind: "deployment",
    title: dep.name,
    badges: [statusBadge(dep)],
    subtitle: dep.description || null,
  });
  const view = tabs([
    { id: "overview", label: "Overview", render: () => overviewTab(dep) },
    { id: "lineage", label: "Lineage", render: () => lineageCard("deployment", dep.name, dep.version) },
  ]);
  return [header, view];
}
