import { cents } from "../usage/money.js";
import { isoDay, type Period } from "../usage/periods.js";
import type { ActorRow, UsageReport } from "../usage/report.js";
import { type Mover, storyOf } from "../usage/story.js";
import {
  formatBaseline,
  formatInt,
  formatPctChange,
  formatPercent,
  formatPeriodDates,
  formatUsd,
  formatUsdShort,
} from "./format.js";

/*
 * The headline sentence: what the period's spend was and why, before any other figure. One
 * wording for every surface; only how people are named and what is bold differ (mrkdwn in Slack
 * blocks, plain text on the lock screen and in the terminal).
 */

export interface StoryStyle {
  /** A person's or key's name in this medium; undefined when it must not be shown (an email). */
  name(actor: ActorRow): string | undefined;
  /** Emphasis for the total: "*$1,613*" in mrkdwn, as is in plain text. */
  strong(text: string): string;
}

export const PLAIN: StoryStyle = {
  name: (actor) => (actor.type === "api_key" ? actor.name : undefined),
  strong: (text) => text,
};

/**
 * Whether a period has a day not over yet (today, UTC): its numbers will grow, so a change
 * against a finished baseline would compare part of a day with a whole one.
 */
export function underWay(period: Pick<Period, "to">, now: Date): boolean {
  return period.to >= isoDay(now);
}

/** The report as if it had no baseline: for a period under way, nothing is compared. */
export function withoutBaseline(report: UsageReport): UsageReport {
  return {
    ...report,
    previous: null,
    changes: null,
    actors: report.actors.map((actor) => ({ ...actor, previous: null })),
  };
}

/**
 * "$1,613 spent, ▲ 120% vs Mon 16 Nov — one person drove it: Ada, $1,195 (74%). Everyone else:
 * $418, ▼ 34%." An empty period gets "No Claude Code activity on …". A period under way is
 * not compared: "$487 spent so far — one person drove it: …".
 */
export function storySentence(full: UsageReport, now: Date, style: StoryStyle): string {
  const soFar = underWay(full.period, now);
  const report = soFar ? withoutBaseline(full) : full;
  const spentWord = soFar ? "spent so far" : "spent";
  const { totals: t } = report;
  const story = storyOf(report);
  if (story.kind === "quiet" || (t.costCents === 0 && t.activeUsers + t.activeApiKeys === 0)) {
    const when = formatPeriodDates(report.period, now);
    const before = report.previous?.costCents ?? 0;
    const baseline = formatBaseline(report, now);
    return `No Claude Code activity ${report.period.days.length === 1 ? "on" : "in"} ${when}${
      before > 0 && baseline ? ` (${money(before)} on ${baseline})` : ""
    }.`;
  }
  const spent = `${style.strong(money(t.costCents))} ${spentWord}${versus(report, now)}`;
  if (story.kind === "driver") {
    const { driver, others } = story;
    const who = style.name(driver.actor);
    const one = driver.actor.type === "api_key" ? "one API key" : "one person";
    const named = (what: string) => (who ? `${who}, ${what}` : what);
    const lead =
      story.because === "share"
        ? `${one} drove it: ${named(`${money(driver.costCents)} (${formatPercent(story.share)})`)}`
        : `most of the ${driver.deltaCents > 0 ? "rise" : "drop"} is ${one}: ${named(`${money(driver.costCents)} (${delta(driver.deltaCents)})`)}`;
    const rest =
      others.previousCents === null || others.previousCents === 0
        ? money(others.costCents)
        : `${money(others.costCents)}, ${relative(others.costCents, others.previousCents)}`;
    return `${spent} — ${lead}. Everyone else: ${rest}.`;
  }
  if (!report.previous || report.previous.costCents === 0) {
    const top = report.actors[0];
    const name = top && style.name(top);
    const people = `by ${formatInt(t.activeUsers)} ${t.activeUsers === 1 ? "person" : "people"}${
      t.activeApiKeys > 0
        ? ` and ${formatInt(t.activeApiKeys)} API key${t.activeApiKeys === 1 ? "" : "s"}`
        : ""
    }`;
    const spentBy = `${style.strong(money(t.costCents))} ${spentWord} ${people}${versus(report, now)}`;
    return top && name && report.actors.length > 1
      ? `${spentBy}; the largest was ${name}, ${money(top.costCents)} (${formatPercent(top.costCents / t.costCents)}).`
      : `${spentBy}.`;
  }
  const moves = [mover("biggest rise", story.up, style), mover("biggest drop", story.down, style)];
  const said = moves.filter((m): m is string => m !== undefined);
  return said.length > 0 ? `${spent} — ${said.join("; ")}.` : `${spent}; no one moved much.`;
}

/** ", ▲ 120% vs Mon 16 Nov", ", up from nothing on Mon 16 Nov", ", the same as …", or "". */
function versus(report: UsageReport, now: Date): string {
  const baseline = formatBaseline(report, now);
  const c = report.changes?.costCents;
  if (!baseline || !c) return "";
  if (c.pct === null) return `, up from nothing on ${baseline}`;
  if (Math.abs(c.pct) < 0.5) return `, the same as ${baseline}`;
  return `, ${formatPctChange(c)} vs ${baseline}`;
}

function mover(label: string, m: Mover | null, style: StoryStyle): string | undefined {
  if (!m) return undefined;
  const who = style.name(m.actor) ?? (m.actor.type === "api_key" ? "one API key" : "one person");
  return `${label}: ${who}, ${delta(m.deltaCents)}`;
}

/** "▲ 12%", "▼ 34%", or "the same" within half a percent. */
function relative(now: number, before: number): string {
  const pct = ((now - before) / before) * 100;
  if (Math.abs(pct) < 0.5) return "the same";
  return formatPctChange({ current: now, previous: before, abs: now - before, pct });
}

/** Dollars, with cents while they still matter: "$1.50", "$33.40", "$15", "$1,613". */
function money(amount: number): string {
  // Story amounts are sums and differences of report cents: cents still.
  const value = cents(amount);
  if (Math.abs(value) >= 10_000) return formatUsdShort(value);
  const exact = formatUsd(value);
  return exact.endsWith(".00") ? exact.slice(0, -3) : exact;
}

/** "▲ $540", "▼ $80". */
function delta(cents: number): string {
  return `${cents >= 0 ? "▲" : "▼"} ${money(Math.abs(cents))}`;
}
