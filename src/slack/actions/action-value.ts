import type { z } from "zod";
import { newReferenceId } from "../../log.js";
import {
  ACTION_VALUE_VERSION,
  actionValueSchema,
  clip,
  escapeMrkdwn,
  type SlackMessage,
} from "../../render/blocks/index.js";
import { type Period, PeriodError, type PeriodOptions, parsePeriod } from "../../usage/periods.js";
import type { SlackContext } from "../context.js";
import { COMMAND } from "../report-messages.js";

/*
 * A digest's or DM's button value, read back: the message's period and team. The value outlives
 * the code that wrote it (a digest from last month, a release later), so each way it can fail has
 * its own reason, and the clicker gets a command that does the same thing.
 */

export interface ClickedValue {
  period: Period;
  /** "2026-11-24..2026-11-24": the dates as a command would take them. */
  periodText: string;
  team?: string | undefined;
}

/** A button whose value this release cannot act on: said in words, never a crash. */
export class ActionValueError extends Error {
  override readonly name = "ActionValueError";
  /** The button's value, clipped, for the logs. */
  readonly value: string;
  constructor(reason: string, value: string | undefined) {
    super(reason);
    this.value = clip(value ?? "", 200);
  }
}

export function readActionValue(raw: string | undefined, options: PeriodOptions): ClickedValue {
  const json = jsonOf(raw);
  // The version first: a newer or older shape is told as such, not as a list of schema issues.
  const version = (json as { v?: unknown } | null)?.v;
  if (version !== ACTION_VALUE_VERSION) {
    throw new ActionValueError(
      typeof version === "number"
        ? `it is from ${version > ACTION_VALUE_VERSION ? "a newer" : "an older"} version of the app`
        : "its value has no version this app knows",
      raw,
    );
  }
  const { from, to, team } = matchesSchema(json, actionValueSchema, raw);
  const periodText = `${from}..${to}`;
  return { period: periodOfValue(periodText, options, raw), periodText, team };
}

/** A button's value as JSON of `schema`: each way it is not is an ActionValueError. */
export function readJsonValue<S extends z.ZodType>(raw: string | undefined, schema: S): z.infer<S> {
  return matchesSchema(jsonOf(raw), schema, raw);
}

function jsonOf(raw: string | undefined): unknown {
  try {
    return JSON.parse(raw ?? "");
  } catch {
    throw new ActionValueError("its value is not JSON", raw);
  }
}

function matchesSchema<S extends z.ZodType>(
  json: unknown,
  schema: S,
  raw: string | undefined,
): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`);
  throw new ActionValueError(`its value is not one this version knows (${issues.join("; ")})`, raw);
}

/** The dates a value carries ("2026-11-24..2026-11-30"), as a period; else an ActionValueError. */
export function periodOfValue(
  text: string,
  options: PeriodOptions,
  raw: string | undefined,
): Period {
  try {
    return parsePeriod(text, options);
  } catch (error) {
    if (error instanceof PeriodError) throw new ActionValueError(error.message, raw);
    throw error;
  }
}

/** The reply to a button that can no longer act: why, and the command that does the same. */
export function staleButton(
  error: ActionValueError,
  instead: string,
  ctx: Pick<SlackContext, "logger">,
  log: Record<string, unknown>,
): SlackMessage {
  const ref = newReferenceId();
  ctx.logger.warn(
    { ...log, ref, reason: error.message, value: error.value },
    "button value unusable",
  );
  const text = clip(
    `This button no longer works (${escapeMrkdwn(error.message)}). \`${COMMAND} ${instead}\` gives the same answer.`,
    3000,
  );
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `:warning: ${text}` } }],
  };
}
