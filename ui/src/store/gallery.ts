// The flow gallery on the Gallery screen: whole flows to start from, and "Use this flow", which
// makes the user's own copy and opens it on the canvas (through the open flow's `openFlow`).
import type { GalleryFlow } from "../api";
import { loadable, type Loadable } from "../lib/loadable";
import type { StoreAccess } from "./access";
import type { OpenFlowActions } from "./flow";
import type { ScreenState } from "./screen";

export type GalleryState = {
  readonly list: Loadable<GalleryFlow[]>;
  /** The gallery flow being copied into the workspace, while it is. */
  readonly using: string | null;
};

export type GalleryActions = {
  /** Shows the Gallery screen and lists its flows. */
  readonly openGallery: () => Promise<void>;
  /** "Use this flow": makes the user's own flow from gallery flow `id` and opens it. */
  readonly startFromGallery: (id: string) => Promise<void>;
};

export const initialGallery: GalleryState = { list: { status: "loading" }, using: null };

export function createGalleryActions({
  set,
  get,
  api,
}: StoreAccess<{ readonly gallery: GalleryState } & ScreenState, Pick<OpenFlowActions, "openFlow">>): GalleryActions {
  const patch = (change: Partial<GalleryState>) => {
    set({ gallery: { ...get().gallery, ...change } });
  };

  return {
    openGallery: async () => {
      set({ route: { screen: "gallery" }, notice: null });
      if (get().gallery.list.status !== "ready") patch({ list: { status: "loading" } });
      const outcome = await api.listGallery();
      if (outcome.status === "ok" || get().gallery.list.status !== "ready") patch({ list: loadable(outcome) });
    },

    startFromGallery: async (id) => {
      if (get().gallery.using !== null) return;
      patch({ using: id });
      const outcome = await api.useGalleryFlow(id);
      patch({ using: null });
      if (outcome.status === "error") {
        set({ notice: outcome.error });
        return;
      }
      await get().actions.openFlow(outcome.data.flow.composition.composition_id);
    },
  };
}
