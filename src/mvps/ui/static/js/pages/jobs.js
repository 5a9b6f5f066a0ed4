// Jobs: mvps runs pipelines as plain programs, so there are usually none.

import { getJSON } from "../api.js";
import { card, empty, pageHeader, table } from "../components.js";
import { text, time } from "../dom.js";

export async function jobsPage(ctx) {
  const d = await getJSON("/api/jobs");
  ctx.setTitle("Jobs");
  const body = table(
    [
      { label: "Job", value: (j) => j.name },
      { label: "Version", value: (j) => `v${j.version}` },
      { label: "Type", value: (j) => text(j.type || j.job_type) },
      { label: "Created", value: (j) => time(j.created) },
    ],
    d.items,
    {
      empty: empty(
        "No jobs",
        "Feature, training and inference pipelines run as ordinary Python programs (python feature_pipeline.py); schedule them with cron, systemd timers or your CI. Jobs recorded in the project will be listed here.",
      ),
    },
  );
  return [pageHeader({ title: "Jobs", subtitle: "Scheduled and recorded pipeline runs." }), card(null, body, { id: "jobs" })];
}
