import type { KnownBlock } from "@slack/web-api";
import { type BudgetStatus, budgetShare } from "../../usage/alerts.js";
import { cents } from "../../usage/money.js";
import { type ActorRow, rankOf, type UsageReport } from "../../usage/report.js";
import type { TeamRank } from "../../usage/teams.js";
import { type UsualDay, versusUsual } from "../../usage/usual-day.js";
import {
  formatCompact,
  formatDay,
  formatInt,
  formatMonthName,
  formatPercent,
  formatPeriodDates,
  formatUsd,
  formatUsdShort,
  shortModel,
} from "../format.js";
import { clip, escapeMrkdwn, type SlackMessage } from "./limits.js";
import { type MessageActions, messageActionsBlock } from "./message-actions.js";
import { emptyNotFinal } from "./not-final.js";

/*
 * One person's numbers: `/claude-usage me`, the daily DM, the App Home. Their spend comes first,
 * compared in words with their usual day (not with the day before, which may have been a Sunday);
 * rank and share of the org say where they stand.
 */

export interface PersonalRenderOptions {
  now: Date;
  /** "Good morning!" for the daily DM. */
  greeting?: string | undefined;
  /** A closing hint, e.g. "`/claude-usage dm off` to stop these". */
  hint?: string | undefined;
  /** Shown when the person has no activity: how we looked them up (their email). */
  lookedUpAs?: string | undefined;
  /** Their month to date against their own monthly budget, when they have one. */
  budget?: BudgetStatus | undefined;
  /** Their usual day (reports.personal, usualDaysBefore); absent or null: no comparison. */
  usual?: UsualDay | null | undefined;
  /** How long after a UTC day ends its data is final (the loader's): see ReportRenderOptions. */
  finalAfterMs?: number | undefined;
  /**
   * When they were not active: their last active day in the `lookbackDays` before the period
   * (null: none), to point them at a period with their numbers in it.
   */
  lastActive?: { day: string | null; lookbackDays: number } | undefined;
  /** The slash command, for suggestions (default /claude-usage). */
  command?: string | undefined;
  /** Where they stand by spend in each of their teams. */
  teamRanks?: readonly TeamRank[] | undefined;
  /**
   * The DM's buttons (My last 7 days; Stop these DMs in an overflow), last in the message; they
   * stand in for the closing hint.
   */
  actions?: Extract<MessageActions, { kind: "dm" }> | undefined;
}

export function renderPersonalReport(
  report: UsageReport,
  actorKey: string,
  options: PersonalRenderOptions,
): SlackMessage {
  if (!options.actions) return renderPersonal(report, actorKey, options);
  // The overflow's "Stop these DMs" says what the hint would have ("`/claude-usage dm off`…").
  const message = renderPersonal(report, actorKey, { ...options, hint: undefined });
  return { ...message, blocks: [...message.blocks, messageActionsBlock(options.actions)] };
}

function renderPersonal(
  report: UsageReport,
  actorKey: string,
  options: PersonalRenderOptions,
): SlackMessage {
  const me = report.actors.find((a) => a.key === actorKey);
  const when = periodPhrase(report, options.now);
  if (!me) {
    const who = options.lookedUpAs ? ` (as ${options.lookedUpAs})` : "";
    const pending = notInYet(report, options);
    const text = pending ?? `No Claude Code activity for you ${when.inline}${who}.`;
    const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text } }];
    const where = pending ? undefined : whereToLook(options);
    if (where) blocks.push({ type: "section", text: { type: "mrkdwn", text: where } });
    if (options.hint)
      blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: options.hint }] });
    return { text, blocks };
  }

  const greeting = options.greeting ? `${options.greeting} ` : "";
  const usual = options.usual ? comparedWithUsual(me, options.usual) : "";
  const spent = `${when.sentence} your Claude Code cost an estimated *${formatUsd(me.costCents)}*${usual ? `, ${usual}` : ""}`;
  const work =
    `*${formatInt(me.sessions)} session${me.sessions === 1 ? "" : "s"}*, ` +
    `*${formatInt(me.linesAdded)} line${me.linesAdded === 1 ? "" : "s"}* added, ` +
    `*${formatInt(me.commits)} commit${me.commits === 1 ? "" : "s"}*, ` +
    `*${formatInt(me.pullRequests)} PR${me.pullRequests === 1 ? "" : "s"}*`;
  const sentence = `${greeting}${spent} — ${work}.`;

  const facts = standing(report, me);
  // Beside the org rank: "#2 of 6 in Backend".
  const inTeams = (options.teamRanks ?? []).map(
    (t) => `#${formatInt(t.rank)} of ${formatInt(t.of)} in ${escapeMrkdwn(t.team)}`,
  );
  facts.splice(facts[0]?.startsWith("You're #") ? 1 : 0, 0, ...inTeams);
  if (options.hint) facts.push(options.hint);
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: clip(sentence, 3000) } },
    { type: "context", elements: [{ type: "mrkdwn", text: clip(facts.join(" · "), 3000) }] },
  ];
  if (options.budget) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: budgetLine(options.budget) }],
    });
  }
  // The lock-screen line compares only a day: a period's per-day figure needs the message's room.
  const usualShort = usual && me.activeDays <= 1 ? `, ${usual}` : "";
  const text = `${when.sentence}: ${formatUsd(me.costCents)}${usualShort} · ${formatInt(me.sessions)} Claude Code session${me.sessions === 1 ? "" : "s"}, ${formatCompact(me.linesAdded)} lines`;
  return { text, blocks };
}

/** For someone with nothing in the period: their last active day and a period that has it. */
function whereToLook(options: PersonalRenderOptions): string | undefined {
  const last = options.lastActive;
  if (!last) return undefined;
  const cmd = options.command ?? "/claude-usage";
  if (last.day === null) {
    return `Nothing in the ${formatInt(last.lookbackDays)} days before either. Claude Code used under another email, or through a claude.ai seat, may not show up in Anthropic's usage data.`;
  }
  const today = options.now.toISOString().slice(0, 10);
  const ago = Math.round((Date.parse(today) - Date.parse(last.day)) / 86_400_000);
  const span = [7, 30, 90].find((n) => ago <= n);
  const period = span ? `last ${span} days` : last.day;
  return `Your last day with Claude Code was *${formatDay(last.day, options.now)}*: try \`${cmd} me ${period}\`.`;
}

/**
 * Nothing for them in a period whose data is still arriving: today's (or, when the org has
 * nothing either, a recent day's) numbers are not in yet, which is not "no activity".
 */
function notInYet(report: UsageReport, options: PersonalRenderOptions): string | undefined {
  const orgEmpty = report.totals.costCents === 0 && report.actors.length === 0;
  const includesToday = report.period.to >= options.now.toISOString().slice(0, 10);
  if (!orgEmpty && !includesToday) return undefined;
  return emptyNotFinal(report.period, options.now, options.finalAfterMs, true)?.empty;
}

/** "November so far: $410.00 of your $500 budget (82%) · on pace for $512". */
export function budgetLine(status: BudgetStatus): string {
  const share = budgetShare(status);
  const mark = share >= 1 ? "🚨 " : share >= 0.8 ? "💸 " : "";
  return `${mark}${formatMonthName(status.month)} so far: *${formatUsd(status.spentCents)}* of your ${formatUsdShort(status.budgetCents)} budget (${formatPercent(share)}) · on pace for ${formatUsdShort(status.projectedCents)}`;
}

/**
 * "about your usual $11", "3× your usual day ($11)"; over several days, the spend per day used
 * first: "$12.30 a day over 5 active days, about your usual $11". Under $10, in cents: "$7.61".
 */
export function comparedWithUsual(me: ActorRow, usual: UsualDay): string {
  const days = Math.max(1, me.activeDays);
  const perDay = cents(me.costCents / days);
  const typical = usual.cents < 1000 ? formatUsd(usual.cents) : formatUsdShort(usual.cents);
  const cmp = versusUsual(perDay, usual.cents);
  const words =
    cmp.kind === "times"
      ? `${cmp.times}× your usual day (${typical})`
      : cmp.kind === "about"
        ? `about your usual ${typical}`
        : cmp.kind === "more"
          ? `more than your usual ${typical}`
          : cmp.kind === "less"
            ? `less than your usual ${typical}`
            : `under half your usual ${typical}`;
  if (me.activeDays <= 1) return words;
  return `${formatUsd(perDay)} a day over ${formatInt(days)} active days, ${words}`;
}

function standing(report: UsageReport, me: ActorRow): string[] {
  const facts: string[] = [];
  const people = report.actors.filter((a) => a.type === "user");
  const rank = rankOf(people, me.key);
  if (rank) facts.push(`You're #${formatInt(rank.rank)} of ${formatInt(rank.of)} in your org`);
  if (report.totals.costCents > 0) {
    facts.push(`${formatPercent(me.costCents / report.totals.costCents)} of the org's spend`);
  }
  if (me.acceptanceRate !== null)
    facts.push(`${formatPercent(me.acceptanceRate)} of edits accepted`);
  if (me.topModel) facts.push(`mostly ${shortModel(me.topModel)}`);
  return facts;
}

function periodPhrase(report: UsageReport, now: Date): { sentence: string; inline: string } {
  const { period } = report;
  const dates = formatPeriodDates(period, now);
  const name = period.name;
  if (name === "yesterday" || name === "today") {
    return { sentence: capitalize(name), inline: `${name} (${dates})` };
  }
  if (period.days.length === 1) return { sentence: `On ${dates}`, inline: `on ${dates}` };
  if (/^(this|last) (week|month)$/.test(name)) {
    return { sentence: capitalize(name), inline: `${name} (${dates})` };
  }
  if (/^last \d+ days$/.test(name)) {
    return { sentence: `In the ${name} (${dates})`, inline: `in the ${name} (${dates})` };
  }
  return { sentence: `Over ${dates}`, inline: `over ${dates}` };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
