// Jobs: Python programs registered in the project (project.get_job_api()), run on
// demand or on a cron schedule. The list shows each job's schedule and last execution;
// a job's page shows its definition, a "Run now" form and its executions with their
// output, and polls the job's JSON while an execution runs.

import { getJSON, postJSON } from "../api.js";
import { badge, card, code, empty, kv, pageHeader, pre, table } from "../components.js";
import { ago, h, isNum, link, num, path, plural, time, truncate } from "../dom.js";

const RUNNING = new Set(["SUBMITTED", "RUNNING"]);
const STATE_TONE = { SUBMITTED: "info", RUNNING: "info", FINISHED: "ok", FAILED: "bad", KILLED: "warn", INITIALIZATION_FAILED: "bad" };
const POLL_MS = 1000;

function apiUrl(name, ...rest) {
  return `/api${path("jobs", name, ...rest)}`;
}

function isRunning(e) {
  return Boolean(e) && RUNNING.has(e.state);
}

/** The state of an execution as a coloured badge (data-state holds the state). */
export function executionBadge(state) {
  const s = String(state || "UNKNOWN").toUpperCase();
  const live = RUNNING.has(s) ? " live" : "";
  return h("span", { class: `badge badge-${STATE_TONE[s] || "neutral"} exec-state${live}`, dataset: { state: s } }, s.toLowerCase().replace(/_/g, " "));
}

/** A duration in milliseconds: "420 ms", "3.2 s", "4 min 12 s", "2 h 5 min". */
export function duration(ms) {
  if (!isNum(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const sec = Math.round(ms / 1000);
  if (sec < 3600) return `${Math.floor(sec / 60)} min ${sec % 60} s`;
  return `${Math.floor(sec / 3600)} h ${Math.floor((sec % 3600) / 60)} min`;
}

/** How long an execution ran, or has been running so far. */
function elapsed(e) {
  if (isNum(e.duration)) return duration(e.duration);
  if (!isRunning(e)) return "—";
  const since = new Date(e.start_time || e.submission_time).getTime();
  return Number.isNaN(since) ? "—" : `${duration(Math.max(0, Date.now() - since))} so far`;
}

/** "in 3 h" for a time to come, "5 min ago" for one past. */
function relative(iso) {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "";
  const sec = Math.round((t - Date.now()) / 1000);
  if (sec <= 0) return ago(iso);
  if (sec < 60) return "in under a minute";
  if (sec < 3600) return `in ${Math.round(sec / 60)} min`;
  if (sec < 2 * 86400) return `in ${Math.round(sec / 3600)} h`;
  return `in ${Math.round(sec / 86400)} d`;
}

/** A time with how far it is from now. */
function timeWithRelative(iso) {
  if (!iso) return "—";
  const rel = relative(iso);
  return [time(iso), rel ? h("span", { class: "muted small" }, ` (${rel})`) : null];
}

function scheduleCell(s) {
  if (!s) return h("span", { class: "muted" }, "manual");
  return h("span", { class: "schedule" }, h("span", { class: "mono" }, s.cron_expression), s.enabled ? null : [" ", badge("paused", "warn")]);
}

function scheduleBadge(s) {
  if (!s) return null;
  return s.enabled ? badge("scheduled", "info", s.cron_expression) : badge("schedule paused", "warn", s.cron_expression);
}

/**
 * Once started, calls `refresh` every POLL_MS while the page is shown and `active()`
 * is true, or the last refresh failed (then more slowly; `onError` reports the failure,
 * and null once a refresh works again). Starting it while it runs does nothing.
 */
function poller(ctx, refresh, active, onError) {
  let looping = false;
  let failures = 0;
  async function loop() {
    do {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS * 2 ** Math.min(failures, 3)));
      if (!ctx.isCurrent()) break;
      try {
        await refresh();
        failures = 0;
        onError(null);
      } catch (err) {
        failures += 1;
        onError(err);
      }
    } while (ctx.isCurrent() && (failures > 0 || active()));
    looping = false;
  }
  return {
    start() {
      if (!looping) {
        looping = true;
        loop();
      }
    },
  };
}

/** Fetches a document; a response to an older request never replaces a newer one. */
function latest(fetcher, draw) {
  let issued = 0;
  let drawn = 0;
  return async () => {
    const mine = ++issued;
    const doc = await fetcher();
    if (mine < drawn) return;
    drawn = mine;
    draw(doc);
  };
}

function refreshNotice() {
  const el = h("p", { class: "notice", hidden: true, role: "status" });
  return {
    el,
    show(err) {
      el.hidden = !err;
      el.textContent = err ? `Could not refresh (${err.message}); retrying.` : "";
    },
  };
}

// ------------------------------------------------------------------ the list

/** The state badge of a job's last execution, a link to it and when it was submitted. */
function lastExecution(e) {
  if (!e) return h("span", { class: "muted" }, "never ran");
  const when = e.submission_time ? h("span", { class: "muted small", title: e.submission_time }, ago(e.submission_time)) : null;
  return h("span", { class: "last-execution" }, executionBadge(e.state), " ", h("a", { href: e.url, class: "small" }, `#${e.id}`), when ? [" · ", when] : null);
}

function jobsTable(items) {
  return table(
    [
      { label: "Job", value: (j) => link(j.url, j.name), class: "name" },
      { label: "Program", value: (j) => h("span", { class: "mono small", title: j.app_path || "" }, j.program || "—") },
      { label: "Schedule", value: (j) => scheduleCell(j.schedule) },
      { label: "Next run", value: (j) => (j.schedule && j.schedule.enabled ? time(j.schedule.next_fire_time) : "—") },
      { label: "Last execution", value: (j) => lastExecution(j.last_execution) },
      { label: "Executions", value: (j) => num(j.num_executions), num: true },
    ],
    items,
    {
      class: "jobs-table",
      rowAttrs: (j) => ({ dataset: { name: j.name, state: j.last_execution ? j.last_execution.state : "NONE" } }),
      empty: empty("No jobs yet", [
        "Register a Python program as a job with ",
        code("project.get_job_api().create_job(name, config)"),
        " (start from ",
        code('job_api.get_configuration("PYTHON")'),
        ' and set "appPath"), or from a shell with ',
        code("mvps jobs create NAME PROGRAM"),
        ". Run it with job.run() or on a cron schedule with job.schedule(cron); its runs and their output show up here.",
      ]),
    },
  );
}

export async function jobsPage(ctx) {
  let d = await getJSON("/api/jobs");
  ctx.setTitle("Jobs");
  const holder = h("div", { class: "jobs-holder" }, jobsTable(d.items));
  const notice = refreshNotice();
  let shown = JSON.stringify(d.items);
  const refresh = latest(
    () => getJSON("/api/jobs"),
    (doc) => {
      d = doc;
      const now = JSON.stringify(doc.items);
      if (now !== shown) holder.replaceChildren(jobsTable(doc.items));
      shown = now;
    },
  );
  const running = () => d.items.some((j) => isRunning(j.last_execution));
  if (running()) poller(ctx, refresh, running, notice.show).start();
  return [pageHeader({ title: "Jobs", subtitle: "Python programs of the project, run on demand or on a cron schedule (UTC)." }), card(null, [notice.el, holder], { id: "jobs" })];
}

// ------------------------------------------------------------------ one job

function definitionCard(d) {
  return card(
    "Definition",
    kv([
      ["Program", h("span", { class: "mono", id: "job-program", title: d.app_path || "" }, d.program || "—")],
      ["Working directory", d.working_directory ? h("span", { class: "mono" }, d.working_directory) : null],
      ["Default arguments", d.default_args ? h("span", { class: "mono" }, d.default_args) : h("span", { class: "muted" }, "none")],
      ["Type", d.job_type],
      ["Creator", d.creator],
      ["Created", time(d.created)],
    ]),
    { id: "definition" },
  );
}

function scheduleBody(s) {
  if (!s) {
    return empty("Not scheduled", [
      "Run it on a cron schedule (UTC) with ",
      code('job.schedule("0 0 6 ? * *")'),
      " or ",
      code("mvps jobs schedule NAME CRON"),
      "; the project's server (mvps serve) starts the runs.",
    ]);
  }
  return kv([
    ["Cron expression", h("span", { class: "mono", id: "schedule-cron" }, s.cron_expression)],
    ["Status", s.enabled ? badge("enabled", "ok") : badge("paused", "warn", "resume it with job.resume_schedule()")],
    ["Next run", s.enabled ? timeWithRelative(s.next_fire_time) : h("span", { class: "muted" }, "none while paused")],
    ["Last fire", s.last_fire_time ? timeWithRelative(s.last_fire_time) : h("span", { class: "muted" }, "not yet")],
    ["Skipped", h("span", { title: "fire times skipped because an earlier execution still ran" }, num(s.skipped))],
    ["Starts", time(s.start_time)],
    ["Ends", s.end_time ? time(s.end_time) : "never"],
  ]);
}

/** The stdout/stderr panel of one execution; fetches the output when shown. */
function logsPanel(jobName, id) {
  let stream = "stdout";
  let token = 0;
  const body = h("div", { class: "logs-body" });
  const buttons = ["stdout", "stderr"].map((s) =>
    h(
      "button",
      {
        type: "button",
        role: "tab",
        class: `tab small${s === stream ? " active" : ""}`,
        "aria-selected": String(s === stream),
        dataset: { stream: s },
        onclick: () => {
          stream = s;
          for (const b of buttons) {
            const on = b.dataset.stream === s;
            b.classList.toggle("active", on);
            b.setAttribute("aria-selected", String(on));
          }
          panel.load(true);
        },
      },
      s,
    ),
  );
  const el = h("div", { class: "logs-panel", dataset: { logs: id } }, h("div", { class: "tabs sub", role: "tablist", "aria-label": "Output stream" }, buttons), body);
  const panel = {
    el,
    async load(fresh = false) {
      const mine = ++token;
      const want = stream;
      if (fresh) body.replaceChildren(h("p", { class: "loading" }, "Loading…"));
      try {
        const d = await getJSON(`${apiUrl(jobName, "executions", id, "logs")}?stream=${want}`);
        if (mine !== token) return;
        if (!d.text) {
          body.replaceChildren(h("p", { class: "muted" }, `Nothing written to ${want} yet.`));
          return;
        }
        const text = pre(d.text, "logs");
        text.dataset.stream = want;
        body.replaceChildren(text);
        text.scrollTop = text.scrollHeight; // the end of the output first
      } catch (err) {
        if (mine !== token) return;
        body.replaceChildren(h("div", { class: "error-box" }, h("strong", null, `Could not read ${want}`), h("p", null, err.message)));
      }
    },
  };
  return panel;
}

/** A link to an execution on its job's page: opens its output. */
function executionLink(id, label, reveal) {
  const onclick = (event) => {
    event.preventDefault();
    history.replaceState(history.state, "", `${location.pathname}${location.search}#execution-${id}`);
    reveal(id);
  };
  return h("a", { href: `#execution-${id}`, class: "exec-link", onclick }, label);
}

/**
 * The executions table, updated in place as new documents arrive; `refreshNow()`
 * fetches the job again and polls while an execution runs.
 */
function executionsView(jobName, refreshNow) {
  const tbody = h("tbody");
  const rows = new Map();
  const head = ["#", "State", "Trigger", "Arguments", "Submitted", "Duration", "Exit code", "Error", ""];
  const tableEl = h(
    "div",
    { class: "table-wrap" },
    h("table", { class: "table executions-table" }, h("thead", null, h("tr", null, head.map((x, i) => h("th", { class: i === 5 || i === 6 ? "num" : null, scope: "col" }, x)))), tbody),
  );
  const emptyEl = empty("No executions yet", ["Run it with the button above, with ", code("job.run()"), " or with ", code(`mvps jobs run ${jobName}`), "."]);
  const note = h("p", { class: "muted small", hidden: true });
  const el = h("div", { class: "executions" }, note, emptyEl, tableEl);

  async function stop(e, button) {
    button.disabled = true;
    button.textContent = "Stopping…";
    let problem = null;
    try {
      const res = await postJSON(apiUrl(jobName, "executions", e.id, "stop"), {});
      if (!res.ok) problem = res.body && res.body.detail ? res.body.detail : `HTTP ${res.status}`;
    } catch (err) {
      problem = `the server did not answer (${err.message})`;
    }
    if (problem) {
      rows.get(e.id).error.replaceChildren(h("span", { class: "bad-text" }, `Could not stop it: ${problem}`));
      button.disabled = false;
      button.textContent = "Stop";
      return;
    }
    await refreshNow(); // the row is drawn again once the execution ended
  }

  function toggleLogs(row) {
    row.details.hidden = !row.details.hidden;
    row.logsButton.setAttribute("aria-expanded", String(!row.details.hidden));
    if (!row.details.hidden) row.panel.load(true);
  }

  function drawRow(row, e) {
    const errorTd = h("td", { class: "exec-error" }, e.error ? h("span", { class: "bad-text small" }, e.error) : "");
    row.durationTd = h("td", { class: "num" }, elapsed(e));
    row.error = errorTd;
    row.logsButton = h("button", { type: "button", class: "link-button", "aria-expanded": String(!row.details.hidden), dataset: { logs: e.id }, onclick: () => toggleLogs(row) }, "Logs");
    const actions = [row.logsButton];
    if (isRunning(e)) {
      const stopButton = h("button", { type: "button", class: "button small danger", dataset: { stop: e.id } }, "Stop");
      stopButton.addEventListener("click", () => stop(e, stopButton));
      actions.push(" ", stopButton);
    }
    row.tr.dataset.state = e.state;
    row.tr.replaceChildren(
      h("td", null, executionLink(e.id, `#${e.id}`, reveal)),
      h("td", null, executionBadge(e.state)),
      h("td", null, badge(e.trigger, e.trigger === "schedule" ? "info" : "neutral")),
      h("td", null, e.args ? h("span", { class: "mono small", title: e.args }, truncate(e.args, 60)) : h("span", { class: "muted" }, "none")),
      h("td", null, time(e.submission_time, true)),
      row.durationTd,
      h("td", { class: "num" }, e.exit_code === null || e.exit_code === undefined ? "—" : String(e.exit_code)),
      errorTd,
      h("td", { class: "exec-actions" }, actions),
    );
  }

  function newRow(e) {
    const tr = h("tr", { class: "execution", id: `execution-${e.id}`, dataset: { execution: e.id } });
    const panel = logsPanel(jobName, e.id);
    const details = h("tr", { class: "details-row", hidden: true, dataset: { executionLogs: e.id } }, h("td", { colspan: head.length }, panel.el));
    return { tr, details, panel, sig: null, running: false };
  }

  function update(d) {
    emptyEl.hidden = d.executions.length > 0;
    tableEl.hidden = d.executions.length === 0;
    note.hidden = d.num_executions <= d.executions.length;
    note.textContent = `The newest ${num(d.executions.length)} of ${plural(d.num_executions, "execution")}.`;
    const order = [];
    for (const e of d.executions) {
      let row = rows.get(e.id);
      if (!row) {
        row = newRow(e);
        rows.set(e.id, row);
      }
      const sig = JSON.stringify([e.state, e.exit_code, e.error, e.duration, e.start_time, e.args, e.trigger]);
      const wasRunning = row.running;
      if (sig !== row.sig) drawRow(row, e);
      else if (isRunning(e)) row.durationTd.textContent = elapsed(e);
      row.sig = sig;
      row.running = isRunning(e);
      // open output follows a running execution, and is read once more when it ends
      if (!row.details.hidden && (row.running || wasRunning)) row.panel.load();
      order.push(row.tr, row.details);
    }
    const keep = new Set(d.executions.map((e) => e.id));
    for (const id of [...rows.keys()]) if (!keep.has(id)) rows.delete(id);
    const current = [...tbody.children];
    if (current.length !== order.length || current.some((node, i) => node !== order[i])) tbody.replaceChildren(...order);
  }

  /** Open the output of execution `id` (from a #execution-N link) and show it. */
  function reveal(id) {
    const row = rows.get(id);
    if (!row) return;
    if (row.details.hidden) toggleLogs(row);
    row.tr.scrollIntoView({ block: "center" });
  }

  return { el, update, reveal };
}

function runForm(d, onStarted, reveal) {
  const input = h("input", {
    type: "text",
    class: "text-input mono",
    id: "run-args",
    name: "args",
    placeholder: d.default_args ? `default: ${d.default_args}` : "no arguments",
    "aria-label": "Arguments of this run",
    autocomplete: "off",
    spellcheck: "false",
  });
  const button = h("button", { type: "submit", class: "button primary", id: "run-now" }, "Run now");
  const output = h("div", { class: "run-output", id: "run-output", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "run-form" },
    h("label", { for: "run-args" }, "Arguments"),
    h("div", { class: "form-row" }, input, button),
    h("p", { class: "muted small" }, "Leave empty to use the job's default arguments; split like a shell does."),
    output,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    output.replaceChildren(h("p", { class: "loading" }, "Starting…"));
    try {
      const args = input.value.trim();
      const res = await postJSON(apiUrl(d.name, "executions"), args ? { args } : {});
      if (!res.ok) {
        const detail = res.body && res.body.detail ? res.body.detail : `HTTP ${res.status}`;
        output.replaceChildren(h("div", { class: "error-box" }, h("strong", null, "The job did not start"), h("p", null, detail)));
        return;
      }
      await onStarted();
      output.replaceChildren(h("p", { class: "run-started" }, "Started ", executionLink(res.body.id, `execution #${res.body.id}`, reveal), "."));
    } catch (err) {
      output.replaceChildren(h("div", { class: "error-box" }, h("strong", null, "The request failed"), h("p", null, err.message)));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export async function jobPage(ctx) {
  const [name] = ctx.params;
  let d = await getJSON(apiUrl(name));
  ctx.setTitle(`Job ${d.name}`);
  const notice = refreshNotice();
  const scheduleHolder = h("div", null, scheduleBody(d.schedule));
  let scheduleShown = JSON.stringify(d.schedule);
  const refresh = latest(
    () => getJSON(apiUrl(name)),
    (doc) => {
      d = doc;
      executions.update(doc);
      const sig = JSON.stringify(doc.schedule);
      if (sig !== scheduleShown) scheduleHolder.replaceChildren(scheduleBody(doc.schedule));
      scheduleShown = sig;
    },
  );
  const running = () => d.executions.some(isRunning);
  const polling = poller(ctx, refresh, running, notice.show);
  async function refreshNow() {
    try {
      await refresh();
      notice.show(null);
    } catch (err) {
      notice.show(err);
    }
    polling.start();
  }
  const executions = executionsView(d.name, refreshNow);
  executions.update(d);
  if (running()) polling.start();
  const form = runForm(d, refreshNow, executions.reveal);
  const hash = location.hash.match(/^#execution-(\d+)$/);
  if (hash) setTimeout(() => ctx.isCurrent() && executions.reveal(Number(hash[1])), 0);
  const header = pageHeader({
    crumbs: [["Jobs", "/jobs"], [d.name, null]],
    kind: "job",
    title: d.name,
    badges: [scheduleBadge(d.schedule)].filter(Boolean),
    subtitle: d.program ? `python ${d.program}${d.default_args ? ` ${d.default_args}` : ""}` : null,
  });
  return [
    header,
    h("div", { class: "grid-2" }, definitionCard(d), card("Schedule", scheduleHolder, { id: "schedule" })),
    card("Run now", form, { id: "run" }),
    card("Executions", [notice.el, executions.el], { id: "executions" }),
  ];
}
