// Lineage: the provenance graph of the project, or around one object.

import { getJSON } from "../api.js";
import { card, empty, KIND_LABELS, pageHeader, refLink } from "../components.js";
import { h, path } from "../dom.js";
import { lineageGraph, lineageLegend } from "../plots.js";

export async function lineagePage(ctx) {
  const [kind, name, version] = ctx.params;
  const focused = kind !== undefined;
  const d = await getJSON(focused ? `/api${path("lineage", kind, name, version)}` : "/api/lineage");
  const focus = focused ? d.nodes.find((n) => n.id === d.focus) : null;
  ctx.setTitle(focus ? `Lineage of ${focus.label}` : "Lineage");
  const header = pageHeader({
    crumbs: focused ? [["Lineage", "/lineage"], [focus ? focus.label : name, null]] : [],
    title: focus ? `Lineage of ${focus.label}` : "Lineage",
    subtitle: focus
      ? h("span", null, `${KIND_LABELS[focus.kind] || focus.kind}: `, refLink(focus), " — what it was derived from and what was derived from it.")
      : "Feature groups → feature views → training datasets → models → deployments. Deleted objects stay in the graph, marked as deleted.",
  });
  if (!d.nodes.length) {
    return [header, card(null, empty("Nothing to show yet", "Create feature groups, feature views and models; their provenance appears here."))];
  }
  const deleted = d.nodes.filter((n) => n.deleted).length;
  return [
    header,
    card(null, [lineageLegend(), lineageGraph(d.nodes, d.edges), h("p", { class: "muted small" }, `${d.nodes.length} objects, ${d.edges.length} links${deleted ? `, ${deleted} deleted` : ""}.`)], { id: "lineage" }),
  ];
}
