// The schedule editor's draft and the definition it sends, a stored schedule back as a draft,
// triggers in words, run times in a schedule's time zone, and what "Run now" and missed runs say.
import { describe, expect, it } from "vitest";
import type { GlobalParameter, Schedule } from "../api";
import {
  describeFired,
  describeMissed,
  describeNextRun,
  describeTrigger,
  draftFromSchedule,
  formatInZone,
  newDraft,
  parameterJson,
  scheduleSpec,
  specOf,
} from "./schedule";

const globals: GlobalParameter[] = [
  { name: "start_date", type: "date" },
  { name: "limit", type: "integer", default: 20 },
  { name: "campaign_ids", type: "integer", list: true },
  { name: "channels", type: "string", list: true },
];

const stored: Schedule = {
  id: 7,
  name: "Weekday review",
  composition_id: "comp_low_ctr",
  trigger: { kind: "cron", expression: "0 9 * * 1-5", timezone: "Europe/Paris" },
  condition: "params.limit > 5",
  parameters: { limit: 50, channels: ["search", "social"], start_date: "2026-11-01" },
  catch_up: true,
  overlap: "queue",
  enabled: false,
  last_run_at: "2026-11-27T08:00:00Z",
  next_run_at: "2026-11-30T08:00:00Z",
  last_status: "COMPLETED",
};

const names: Record<string, string> = { comp_low_ctr: "Low CTR review" };
const flowName = (id: string) => names[id] ?? id;

describe("the definition a draft becomes", () => {
  it("sends the chosen trigger with trimmed fields, no condition when blank, enabled", () => {
    const draft = { ...newDraft("Europe/Paris"), name: "  Mornings ", flowId: "comp_low_ctr", cron: " 30 7 * * * ", condition: "  " };
    expect(scheduleSpec(draft, globals)).toEqual({
      name: "Mornings",
      composition_id: "comp_low_ctr",
      trigger: { kind: "cron", expression: "30 7 * * *", timezone: "Europe/Paris" },
      condition: null,
      parameters: {},
      catch_up: false,
      overlap: "skip",
      enabled: true,
    });
  });

  it("sends only the file or the watched flow of the kind chosen", () => {
    const draft = { ...newDraft("UTC"), watch: " data/*.csv ", afterFlow: "comp_deep_dive", afterStatus: "FAILED" as const };
    expect(scheduleSpec({ ...draft, kind: "file_change" }, []).trigger).toEqual({ kind: "file_change", path: "data/*.csv" });
    expect(scheduleSpec({ ...draft, kind: "flow_completed" }, []).trigger).toEqual({
      kind: "flow_completed",
      flow: "comp_deep_dive",
      status: "FAILED",
    });
  });

  it("sends only the parameters the user set, typed, and only the target flow's", () => {
    const draft = {
      ...newDraft("UTC"),
      parameters: { start_date: "2026-12-01", limit: " ", campaign_ids: "3, 4", channels: "search, social", gone: "x" },
    };
    expect(scheduleSpec(draft, globals).parameters).toEqual({
      start_date: "2026-12-01",
      campaign_ids: [3, 4],
      channels: ["search", "social"],
    });
  });

  it("reads parameter texts as the command line does", () => {
    expect(parameterJson({ name: "n", type: "decimal" }, "12.5")).toBe(12.5);
    expect(parameterJson({ name: "b", type: "boolean" }, "true")).toBe(true);
    expect(parameterJson({ name: "s", type: "string" }, "42")).toBe("42");
    expect(parameterJson({ name: "n", type: "integer" }, "many")).toBe("many");
    expect(parameterJson({ name: "l", type: "string", list: true }, '["a, b", "c"]')).toEqual(["a, b", "c"]);
  });
});

describe("a stored schedule as a draft", () => {
  it("fills the editor with its definition, parameters as texts", () => {
    const draft = draftFromSchedule(stored, "UTC");
    expect(draft).toMatchObject({
      name: "Weekday review",
      flowId: "comp_low_ctr",
      kind: "cron",
      cron: "0 9 * * 1-5",
      timezone: "Europe/Paris",
      condition: "params.limit > 5",
      parameters: { limit: "50", channels: '["search","social"]', start_date: "2026-11-01" },
      catchUp: true,
      overlap: "queue",
      enabled: false,
    });
  });

  it("saves back unchanged when nothing was edited", () => {
    expect(scheduleSpec(draftFromSchedule(stored, "UTC"), globals)).toEqual(specOf(stored));
  });

  it("keeps the user's zone for a later cron trigger when it watches a file", () => {
    const watching: Schedule = { ...stored, trigger: { kind: "file_change", path: "in/*.csv" } };
    expect(draftFromSchedule(watching, "Asia/Tokyo")).toMatchObject({ kind: "file_change", watch: "in/*.csv", timezone: "Asia/Tokyo" });
  });
});

describe("triggers and times in words", () => {
  it("says what fires a schedule", () => {
    expect(describeTrigger(stored.trigger, flowName)).toBe("Cron 0 9 * * 1-5 (Europe/Paris)");
    expect(describeTrigger({ kind: "file_change", path: "data/*.csv" }, flowName)).toBe("When data/*.csv changes");
    expect(describeTrigger({ kind: "flow_completed", flow: "comp_low_ctr", status: "FAILED" }, flowName)).toBe(
      "When “Low CTR review” fails",
    );
  });

  it("shows a run time as the schedule's clock reads it", () => {
    expect(formatInZone("2026-11-30T08:00:00Z", "Europe/Paris", "en-GB")).toBe("Mon, 30 Nov 2026, 09:00");
    expect(formatInZone("2026-11-30T08:00:00Z", "America/New_York", "en-GB")).toBe("Mon, 30 Nov 2026, 03:00");
  });

  it("falls back to UTC, saying so, for a zone the browser does not know", () => {
    expect(formatInZone("2026-11-30T08:00:00Z", "Mars/Olympus", "en-GB")).toBe("Mon, 30 Nov 2026, 08:00 UTC");
  });

  it("shows the next run in the user's time with the cron schedule's own zone", () => {
    expect(describeNextRun(stored, "Europe/London", "en-GB")).toBe("Mon, 30 Nov 2026, 08:00 (09:00 Europe/Paris)");
    expect(describeNextRun(stored, "Europe/Paris", "en-GB")).toBe("Mon, 30 Nov 2026, 09:00 (Europe/Paris)");
    expect(describeNextRun({ ...stored, next_run_at: null }, "Europe/Paris")).toBeNull();
  });

  it("says what came of Run now", () => {
    expect(describeFired({ kind: "started" })).toBe("Started");
    expect(describeFired({ kind: "queued" })).toMatch(/^Queued/);
    expect(describeFired({ kind: "skipped", reason: "its condition is false" })).toBe("Skipped: its condition is false");
    expect(describeFired({ kind: "failed", reason: "the flow has problems" })).toBe("Not run: the flow has problems");
  });

  it("says which runs were missed while the app was closed", () => {
    const missed = { schedule: 7, name: "Weekday review", missed: 3, since: "2026-11-27T08:00:00Z", caught_up: true };
    expect(describeMissed(missed, "Europe/Paris", "en-GB")).toBe(
      "Weekday review missed 3 runs since Fri, 27 Nov 2026, 09:00; it ran once to catch up.",
    );
    expect(describeMissed({ ...missed, missed: 1000, caught_up: false }, "UTC", "en-GB")).toBe(
      "Weekday review missed 1,000 or more runs since Fri, 27 Nov 2026, 08:00.",
    );
  });
});
