// The gallery part of the fake backend: two gallery flows, and "Use this flow" making a copy
// named after the one used (and counting it).
import type { GalleryFlow, Outcome } from "../api";
import type { Api } from "../store/access";
import { deepDive } from "./fixtures";

const ok = <T,>(data: T): Outcome<T> => ({ status: "ok", data });

export const galleryFlows: GalleryFlow[] = [
  {
    id: "ftpl_budget_pacing",
    name: "Budget pacing",
    goal: "See which campaigns will overspend before the month ends.",
    category: "budget",
    description: "Spend so far against each campaign's budget.",
    node_count: 3,
    flows_made: 0,
  },
  {
    id: "ftpl_top_performers",
    name: "Top performers",
    goal: "Find the campaigns that convert best.",
    category: "performance",
    description: "The best campaigns and their daily trend.",
    node_count: 2,
    flows_made: 1,
  },
];

/** The gallery commands of the fake backend; `used` records the gallery flows used. */
export function fakeGalleryApi() {
  const flows = galleryFlows.map((f) => ({ ...f }));
  const used: string[] = [];
  const api: Pick<Api, "listGallery" | "useGalleryFlow"> = {
    listGallery: () => Promise.resolve(ok(flows.map((f) => ({ ...f })))),
    useGalleryFlow: (id) => {
      const flow = flows.find((f) => f.id === id);
      if (flow === undefined) return Promise.resolve({ status: "error", error: { code: "not_found", message: `no gallery flow ${id}` } });
      used.push(id);
      flow.flows_made += 1;
      const flowId = `comp_${id.replace(/^ftpl_/, "")}`;
      return Promise.resolve(
        ok({
          flow: { ...deepDive.flow, composition: { ...deepDive.flow.composition, composition_id: flowId, name: flow.name } },
          meta: { ...deepDive.meta, flow_template_id: id },
          pinned_templates: [],
        }),
      );
    },
  };
  return { api, used };
}
