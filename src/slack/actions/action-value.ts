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
  let json: unknown;
  try {
    json = JSON.parse(raw ?? "");
  } catch {
    throw new ActionValueError("its value is not JSON", raw);
  }
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
  const parsed = actionValueSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`);
    throw new ActionValueError(
      `its value is not one this version knows (${issues.join("; ")})`,
      raw,
    );
  }
  const { from, to, team } = parsed.data;
  const periodText = `${from}..${to}`;
  try {
    return { period: parsePeriod(periodText, options), periodText, team };
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
