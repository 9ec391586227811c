// What every slice of the store is made with. A slice names the state it touches (its own and
// the few fields of other slices it reads or sets) and the other slices' actions it calls; the
// store (`index.ts`) hands each slice its `set` and `get`, which are the whole store's. So a
// slice depends on other slices' types at most, never on the store that composes them.
import type { api } from "../api";
import type { dialogs } from "../dialogs";

/** The backend: every Tauri command, as `api.ts` wraps them. Tests hand in a fake one. */
export type Api = typeof api;
/** The native file dialogs, as `dialogs.ts` opens them. Tests hand in scripted ones. */
export type Dialogs = typeof dialogs;

/** How a slice reads and changes the store, and reaches the backend. */
export type StoreAccess<State, Actions = unknown> = {
  readonly set: (patch: Partial<State>) => void;
  readonly get: () => State & { readonly actions: Actions };
  readonly api: Api;
};

/**
 * A counter that moves on with each new request: an answer whose ticket is no longer current
 * is for a request made since, and is dropped.
 */
export type Ticket = { readonly current: () => number; readonly next: () => number };

export function ticket(): Ticket {
  let value = 0;
  return { current: () => value, next: () => ++value };
}
