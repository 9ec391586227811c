// Which screen is shown, and the notice over it: an action that failed (as opposed to a screen
// that failed to load), shown until dismissed. Every slice may set both: opening its screen,
// or saying why something it did failed.
import type { AppError } from "../api";
import type { StoreAccess } from "./access";

export type Route =
  | { readonly screen: "home" }
  | { readonly screen: "flow"; readonly flowId: string }
  | { readonly screen: "tables" }
  | { readonly screen: "schedules" }
  | { readonly screen: "sources" }
  | { readonly screen: "templates" }
  | { readonly screen: "gallery" };

export type ScreenState = {
  readonly route: Route;
  /** An action that failed (as opposed to a screen that failed to load), shown until dismissed. */
  readonly notice: AppError | null;
};

export type ScreenActions = {
  readonly dismissNotice: () => void;
};

export const initialScreen: ScreenState = { route: { screen: "home" }, notice: null };

export function createScreenActions({ set }: StoreAccess<ScreenState>): ScreenActions {
  return {
    dismissNotice: () => {
      set({ notice: null });
    },
  };
}
