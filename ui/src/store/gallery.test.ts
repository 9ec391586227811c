// The Gallery screen's actions (store/gallery.ts) against the in-memory backend: the gallery
// listed, and "Use this flow" making the user's own flow and opening it on the canvas.
import { describe, expect, it } from "vitest";
import { createAppStore, type Api } from "./index";
import { fakeApi } from "../testing/fakeBackend";
import { galleryFlows } from "../testing/fakeGallery";

function galleryStore(overrides: Partial<Api> = {}) {
  const backend = fakeApi(overrides);
  const store = createAppStore(backend.api);
  return { store, backend, actions: store.getState().actions, gallery: () => store.getState().gallery };
}

describe("the gallery", () => {
  it("opens on its screen with its flows", async () => {
    const { store, actions, gallery } = galleryStore();
    await actions.openGallery();
    expect(store.getState().route).toEqual({ screen: "gallery" });
    expect(gallery().list).toEqual({ status: "ready", data: galleryFlows });
  });

  it("says why it could not be listed", async () => {
    const error = { code: "internal" as const, message: "no gallery" };
    const { actions, gallery } = galleryStore({ listGallery: () => Promise.resolve({ status: "error", error }) });
    await actions.openGallery();
    expect(gallery().list).toEqual({ status: "failed", error });
  });
});

describe("using a gallery flow", () => {
  it("makes the user's own flow and opens it on the canvas", async () => {
    const { store, backend, actions, gallery } = galleryStore();
    await actions.openGallery();
    await actions.startFromGallery("ftpl_budget_pacing");
    expect(backend.galleryUsed).toEqual(["ftpl_budget_pacing"]);
    expect(store.getState().route).toEqual({ screen: "flow", flowId: "comp_budget_pacing" });
    expect(gallery().using).toBeNull();
  });

  it("stays on the gallery and says why when it fails", async () => {
    const { store, actions } = galleryStore();
    await actions.openGallery();
    await actions.startFromGallery("ftpl_gone");
    expect(store.getState().route).toEqual({ screen: "gallery" });
    expect(store.getState().notice).toMatchObject({ code: "not_found" });
  });
});
