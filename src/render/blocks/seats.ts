import type { KnownBlock } from "@slack/web-api";
import { microsToCents, storedMicros } from "../../usage/money.js";
import type { Period } from "../../usage/periods.js";
import {
  type ApiKeySeat,
  type ApiKeysSummary,
  IDLE_THRESHOLDS,
  type Seat,
  type SeatSummary,
  type TeamSeats,
} from "../../usage/seats.js";
import { formatDay, formatInt, formatPercent, formatPeriodDates, formatUsd } from "../format.js";
import { clip, escapeMrkdwn, MAX_HEADER_TEXT, type SlackMessage } from "./limits.js";
import type { Audience } from "./org-report.js";

/*
 * Seats: who has one and whether they use Claude Code. Counts for everyone who may see the org;
 * the least-used names only in private views (a channel post names no one idle).
 */

/** Names listed in a private view, least used first. */
export const LEAST_USED_SHOWN = 10;

/** API keys listed in a private view, least used first. */
export const API_KEYS_SHOWN = 10;

export interface SeatsView {
  period: Period;
  summary: SeatSummary;
  /** Seats per team, when teams are configured. */
  teams?: readonly TeamSeats[] | undefined;
  /** The org's API keys and their use (shown in private views only). */
  apiKeys?: ApiKeysSummary | undefined;
  window: { from: string; to: string };
  stale: boolean;
}

export interface SeatsRenderOptions {
  now: Date;
  audience?: Audience | undefined;
}

export function seatsTitle(period: Period, now: Date): string {
  const named = period.days.length > 1 && !/^\d/.test(period.name) ? `${period.name} · ` : "";
  return clip(`Claude Code seats · ${named}${formatPeriodDates(period, now)}`, MAX_HEADER_TEXT);
}

function seatName(seat: Seat): string {
  return escapeMrkdwn(seat.name ?? seat.email);
}

function idleWords(seat: Seat, now: Date): string {
  if (seat.lastActive === null) return "never";
  return `last ${formatDay(seat.lastActive, now)} (${formatInt(seat.idleDays ?? 0)} days)`;
}

/** "Backend — 5 of 8 active, 2 never (1 without a seat)". */
export function teamSeatsLine(t: TeamSeats): string {
  const noSeat = t.withoutSeat > 0 ? ` (${formatInt(t.withoutSeat)} without a seat)` : "";
  return `${escapeMrkdwn(t.team)} — ${formatInt(t.active)} of ${formatInt(t.members)} active, ${formatInt(t.never)} never${noSeat}`;
}

export function renderSeats(view: SeatsView, options: SeatsRenderOptions): SlackMessage {
  const { now } = options;
  const s = view.summary;
  const title = seatsTitle(view.period, now);
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: title } }];
  if (s.members === 0) {
    const text = "The organisation's member list is empty.";
    blocks.push({ type: "section", text: { type: "mrkdwn", text } });
    return { text, blocks };
  }
  const headline = `*${formatInt(s.active)} of ${formatInt(s.members)} members* (${formatPercent(s.active / s.members)}) used Claude Code in this period; *${formatInt(s.never)}* never have.`;
  blocks.push({ type: "section", text: { type: "mrkdwn", text: headline } });
  blocks.push({
    type: "section",
    fields: [
      `*Members*\n${formatInt(s.members)}`,
      `*Active*\n${formatInt(s.active)}`,
      `*Never active*\n${formatInt(s.never)}`,
      ...IDLE_THRESHOLDS.map((days) => `*Idle ≥ ${days} days*\n${formatInt(s.idle[days])}`),
    ].map((text) => ({ type: "mrkdwn" as const, text })),
  });
  if (view.teams && view.teams.length > 0) {
    const lines = view.teams.map((t) => `• ${teamSeatsLine(t)}`);
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: clip(`*Per team*\n${lines.join("\n")}`, 3000) },
    });
  }
  if (options.audience === "private") {
    const least = s.seats
      .filter((seat) => !seat.activeInPeriod)
      .slice(0, LEAST_USED_SHOWN)
      .map((seat) => `• ${seatName(seat)} — ${idleWords(seat, now)}`);
    if (least.length > 0) {
      const more = s.members - s.active - least.length;
      const tail = more > 0 ? `\n…and ${formatInt(more)} more not active in this period.` : "";
      blocks.push({
        type: "section",
        text: { type: "mrkdwn", text: clip(`*Least used*\n${least.join("\n")}${tail}`, 3000) },
      });
    }
  }
  if (options.audience === "private" && view.apiKeys && view.apiKeys.keys > 0) {
    blocks.push(apiKeysSection(view.apiKeys, now));
  }
  const notes = [
    `"Never" and idle days count from ${formatDay(view.window.from, now)}, as far back as the bot reads, and the days it recorded before.`,
  ];
  if (options.audience === "private") {
    notes.push("`/claude-usage seats csv` sends you the members not active as a CSV.");
  }
  if (s.activeNotMembers > 0) {
    notes.push(`${formatInt(s.activeNotMembers)} active people are not on the member list.`);
  }
  if (view.stale) notes.push("The member list is from the last read: the API did not answer now.");
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: clip(notes.join(" "), 3000) }],
  });
  return {
    text: `${title}: ${formatInt(s.active)} of ${formatInt(s.members)} members active, ${formatInt(s.never)} never`,
    blocks,
  };
}

/** "`ci-deploy` — never used · workspace wrk_1 · created by ada@x.io". */
function apiKeyLine(key: ApiKeySeat, now: Date): string {
  const use = key.activeInPeriod
    ? `${formatUsd(microsToCents(storedMicros(key.costMicros)))} in this period`
    : key.lastActive === null
      ? "not used since the bot has data"
      : `last used ${formatDay(key.lastActive, now)}`;
  const parts = [`\`${key.name.replace(/`/g, "'")}\` — ${use}`];
  if (key.workspaceId) parts.push(`workspace ${escapeMrkdwn(key.workspaceId)}`);
  if (key.creator) parts.push(`created by ${escapeMrkdwn(key.creator)}`);
  return `• ${parts.join(" · ")}`;
}

function apiKeysSection(keys: ApiKeysSummary, now: Date): KnownBlock {
  const head = `*API keys* — ${formatInt(keys.active)} of ${formatInt(keys.keys)} used in this period, least used first`;
  const lines = keys.list.slice(0, API_KEYS_SHOWN).map((key) => apiKeyLine(key, now));
  const more = keys.keys - lines.length;
  const tail = more > 0 ? `\n…and ${formatInt(more)} more.` : "";
  return {
    type: "section",
    text: { type: "mrkdwn", text: clip(`${head}\n${lines.join("\n")}${tail}`, 3000) },
  };
}

/** The key may not read the members: what is missing and how to fix it. */
export function renderSeatsUnavailable(missing: string, fix: string): SlackMessage {
  const text = `${missing} ${fix}`;
  return {
    text,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: `:lock: ${escapeMrkdwn(text)}` } }],
  };
}
