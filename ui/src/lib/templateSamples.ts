// The sample values a template is test-run with: one input per declared parameter, starting
// from its default, read as its type before anything is sent. Pure.
import type { JsonValue } from "../api";
import { readParamValue, type ParamDraft } from "./templateDraft";

/** Rows a test run keeps. */
export const TEST_RUN_LIMIT = 100;

/** The input a sample is typed in: a date picker, a number, true/false, or text (lists comma-separated). */
export function sampleInput(param: ParamDraft): "date" | "number" | "boolean" | "text" {
  if (param.list) return "text";
  if (param.type === "date") return "date";
  if (param.type === "integer" || param.type === "decimal") return "number";
  if (param.type === "boolean") return "boolean";
  return "text";
}

/** What a parameter's input shows: what was typed in it, else its default. */
export function sampleText(param: ParamDraft, typed: Readonly<Record<string, string>>): string {
  return typed[param.name.trim()] ?? param.defaultText;
}

/**
 * The values to run with, by parameter; a blank input is left out (Rust then uses the default,
 * or says a required parameter needs a sample). Refused: every input that does not read.
 */
export function sampleValues(
  parameters: readonly ParamDraft[],
  typed: Readonly<Record<string, string>>,
): { readonly ok: true; readonly values: Record<string, JsonValue> } | { readonly ok: false; readonly problems: readonly string[] } {
  const values: Record<string, JsonValue> = {};
  const problems: string[] = [];
  for (const param of parameters) {
    const name = param.name.trim();
    if (name === "") continue;
    const read = readParamValue(param.type, param.list, sampleText(param, typed));
    if (!read.ok) problems.push(`${name}: ${read.message}`);
    else if (read.value !== null) values[name] = read.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}
