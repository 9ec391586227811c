// The flow gallery on the Gallery screen: whole flows to start from, and "Use this flow", which
// makes the user's own copy and opens it on the canvas (through the store's `openFlow`). Part of
// the app store (`store.ts`), which hands it its state and the backend.
import type { GalleryFlow } from "./api";
import { loadable } from "./lib/loadable";
import type { Loadable, StoreAccess } from "./store";

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

export function createGalleryActions({ set, get, api }: StoreAccess): GalleryActions {
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
