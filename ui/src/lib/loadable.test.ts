// A backend call's answer as the store holds it.
import { describe, expect, it } from "vitest";
import type { AppError } from "../api";
import { loadable } from "./loadable";

describe("loadable", () => {
  it("is ready with the data of an answer that is ok", () => {
    expect(loadable({ status: "ok", data: [1, 2] })).toEqual({ status: "ready", data: [1, 2] });
  });

  it("is failed with the error of one that is not", () => {
    const error: AppError = { code: "not_found", message: "No such flow." };
    expect(loadable({ status: "error", error })).toEqual({ status: "failed", error });
  });
});
