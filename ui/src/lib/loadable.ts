// Something the screens read from the backend, as the store holds it: loading, there, or the
// error it failed with. Pure.
import type { AppError, Outcome } from "../api";

export type Loadable<T> =
  | { readonly status: "loading" }
  | { readonly status: "ready"; readonly data: T }
  | { readonly status: "failed"; readonly error: AppError };

/** A backend call's answer as the store holds it: ready with its data, or failed with its error. */
export function loadable<T>(outcome: Outcome<T>): Loadable<T> {
  return outcome.status === "ok" ? { status: "ready", data: outcome.data } : { status: "failed", error: outcome.error };
}
