// Fetching the JSON documents under /api.

export class ApiError extends Error {
  constructor(status, message, url) {
    super(message);
    this.status = status;
    this.url = url;
  }
}

async function parse(resp, url) {
  let body = null;
  const type = resp.headers.get("content-type") || "";
  if (type.includes("json")) {
    try {
      body = await resp.json();
    } catch (_) {
      body = null;
    }
  }
  if (!resp.ok) {
    let detail = body && body.detail !== undefined ? body.detail : resp.statusText;
    if (typeof detail !== "string") detail = JSON.stringify(detail);
    throw new ApiError(resp.status, detail || `HTTP ${resp.status}`, url);
  }
  return body;
}

/** GET a JSON document; rejects with ApiError (status, detail message). */
export async function getJSON(url) {
  let resp;
  try {
    resp = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (err) {
    throw new ApiError(0, `the server did not answer (${err.message})`, url);
  }
  return parse(resp, url);
}

/** POST JSON; resolves to {status, ok, body, elapsedMs} whatever the status. */
export async function postJSON(url, payload) {
  const started = performance.now();
  const resp = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(payload),
  });
  const elapsedMs = performance.now() - started;
  let body;
  const raw = await resp.text();
  try {
    body = raw ? JSON.parse(raw) : null;
  } catch (_) {
    body = raw;
  }
  return { status: resp.status, ok: resp.ok, body, elapsedMs };
}
