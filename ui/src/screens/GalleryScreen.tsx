// The flow gallery: whole flows to start from, grouped by category, each with what an analyst
// gets out of it. "Use this flow" makes the user's own copy and opens it on the canvas. The
// state and the steps live in the store (`store/gallery.ts`).
import { useMemo } from "react";
import type { GalleryFlow } from "../api";
import { ErrorNotice } from "../components/ErrorNotice";
import { ScreenTopBar } from "../components/ScreenTopBar";
import { plural } from "../lib/format";
import { flowsMade, galleryGroups } from "../lib/gallery";
import { useAppActions, useAppState } from "../store";
import "../styles/gallery.css";

export function GalleryScreen() {
  const list = useAppState((state) => state.gallery.list);
  const notice = useAppState((state) => state.notice);
  const { dismissNotice, openGallery } = useAppActions();
  const groups = useMemo(() => (list.status === "ready" ? galleryGroups(list.data) : []), [list]);

  return (
    <div className="screen">
      <ScreenTopBar title="Gallery" backTestId="gallery-home" />
      <main className="gallery-scroll">
        <div className="gallery">
          <p className="gallery__intro">Whole flows to start from. Using one makes a flow of your own, yours to change.</p>
          {notice && <ErrorNotice error={notice} onDismiss={dismissNotice} />}
          {list.status === "loading" && (
            <p className="list-status" aria-busy="true">
              Loading the gallery…
            </p>
          )}
          {list.status === "failed" && <ErrorNotice title="Could not load the gallery" error={list.error} onRetry={() => void openGallery()} />}
          {list.status === "ready" && list.data.length === 0 && <p className="gallery__empty">The gallery is empty.</p>}
          {groups.map((group) => (
            <section key={group.category} className="gallery__group" aria-label={group.category} data-testid="gallery-group" data-category={group.category}>
              <h2 className="gallery__category">{group.category}</h2>
              <ul className="card-list">
                {group.flows.map((flow) => (
                  <GalleryItem key={flow.id} flow={flow} />
                ))}
              </ul>
            </section>
          ))}
        </div>
      </main>
    </div>
  );
}

function GalleryItem({ flow }: { readonly flow: GalleryFlow }) {
  const using = useAppState((state) => state.gallery.using);
  const { startFromGallery } = useAppActions();
  return (
    <li className="gallery-item" data-testid="gallery-item" data-gallery-id={flow.id}>
      <div className="gallery-item__text">
        <h3 className="gallery-item__name" data-testid="gallery-name">
          {flow.name}
        </h3>
        <p className="gallery-item__goal" data-testid="gallery-goal">
          {flow.goal}
        </p>
        {flow.description !== "" && <p className="gallery-item__description">{flow.description}</p>}
        <span className="gallery-item__meta">
          {plural(flow.node_count, "node")} · {flowsMade(flow.flows_made)}
        </span>
      </div>
      <button
        type="button"
        className="button button--primary"
        data-testid="gallery-use"
        aria-busy={using === flow.id}
        disabled={using !== null}
        onClick={() => void startFromGallery(flow.id)}
      >
        {using === flow.id ? "Making your flow…" : "Use this flow"}
      </button>
    </li>
  );
}
