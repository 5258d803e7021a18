import type { KnownBlock, SectionBlock } from "@slack/web-api";
import { userKey } from "../../usage/actor-key.js";
import type { Cents } from "../../usage/money.js";
import type { Period } from "../../usage/periods.js";
import type { ActorRow, UsageReport } from "../../usage/report.js";
import {
  formatAbsChange,
  formatCompact,
  formatDay,
  formatInt,
  formatMonthName,
  formatPctChange,
  formatPercent,
  formatPeriodDates,
  formatUsd,
  formatUsdShort,
  formatUtcCoverage,
  modelLabel,
} from "../format.js";
import { actorMrkdwn, type NameOf } from "../people.js";
import { PLAIN, type StoryStyle, storySentence, withoutBaseline } from "../story.js";
import {
  capBlocks,
  clip,
  escapeMrkdwn,
  MAX_HEADER_TEXT,
  packLines,
  type SlackMessage,
} from "./limits.js";
import { type MessageActions, messageActionsBlock, withActions } from "./message-actions.js";
import { emptyNotFinal, stillComingIn } from "./not-final.js";
import { MAX_TABLE_ROWS, mrkdwnCell, tableBlock, textCell } from "./table.js";

/* The org report as Block Kit: slash-command replies, the morning digest and the App Home. */

const MEDALS = ["🥇", "🥈", "🥉"];

export interface ReportRenderOptions {
  now: Date;
  /** People in the top list (default 5). */
  top?: number | undefined;
  /**
   * People's Slack names (and, on private surfaces only, mentions), resolved beforehand; a person
   * without one is shown by email.
   */
  names?: NameOf | undefined;
  /**
   * A person's name in plain text (their Slack display name), for the notification line, which
   * never shows an email: without it the line says "one person".
   */
  plainName?: ((actor: ActorRow) => string | undefined) | undefined;
  /**
   * Lists as Slack table blocks, with aligned numbers: for messages only (Slack refuses them in
   * the Home tab and modals). Default: mrkdwn lists, which read everywhere.
   */
  tables?: boolean | undefined;
  /** Adds a "Share in channel" button: its action id (the listener's) and the value it carries. */
  share?: { actionId: string; value: string } | undefined;
  /** The zone in which "fetched at" is told (default UTC). */
  timeZone?: string | undefined;
  /** A closing hint, e.g. "`/claude-usage last 7 days` for the week". */
  hint?: string | undefined;
  /** Month-to-date spend with a simple end-of-month projection (daily digests). */
  monthToDate?: MonthToDate | undefined;
  /**
   * Who will read it: "channel" (digests, shared posts; the default) or "private" (an allowed
   * user's ephemeral reply, the Home tab). Who stopped using Claude Code is named only in private.
   */
  audience?: Audience | undefined;
  /**
   * How long after a UTC day ends its data is final (the loader's, DAY_CACHE_FINAL_AFTER_HOURS):
   * an empty period with days not final yet says "not in yet", not "no activity".
   */
  finalAfterMs?: number | undefined;
  /** A team's report (its digest): the team's name, told in the title and the notification. */
  team?: string | undefined;
  /**
   * A chart shown in the message (weekly and monthly digests): an image the bot uploaded to Slack
   * (shared nowhere), by file id, with what a screen reader says and a line on where the rest is.
   */
  inlineChart?: InlineChart | undefined;
  /** The org's seats over the period (monthly digests): a line of who used Claude Code. */
  seats?: SeatCounts | undefined;
  /**
   * A digest's buttons (Last 7 days, My numbers, Charts), last in the message; they stand in for
   * the closing hint and the Share button.
   */
  actions?: MessageActions | undefined;
}

/** Members of the organisation, those active in a period, and those never seen active. */
export interface SeatCounts {
  members: number;
  active: number;
  never: number;
}

/** "83 of 120 members used Claude Code in November; 21 never have" (a month's period). */
export function seatsLine(seats: SeatCounts, period: Pick<Period, "from">): string {
  const never =
    seats.never > 0 ? `; ${seats.never} never ${seats.never === 1 ? "has" : "have"}` : "";
  return `:busts_in_silhouette: ${seats.active} of ${seats.members} member${seats.members === 1 ? "" : "s"} used Claude Code in ${formatMonthName(period.from.slice(0, 7))}${never}`;
}

export interface InlineChart {
  fileId: string;
  altText: string;
  title?: string | undefined;
  /** Under the image, e.g. "The top spenders chart is in the thread." */
  note?: string | undefined;
}

export type Audience = "channel" | "private";

export interface MonthToDate {
  /** YYYY-MM */
  month: string;
  /** Last UTC day included. */
  through: string;
  spentCents: Cents;
  projectedCents: Cents;
  /** The org's monthly budget, when one is set. */
  budgetCents?: Cents | undefined;
}

/** Month-to-date spend at or above this share of the budget is news for the headline. */
export const BUDGET_NEWS_SHARE = 0.8;

/** The month's name, its last day, and how many days are left after `through`. */
function monthFacts(mtd: MonthToDate) {
  const [year = 0, month = 1] = mtd.month.split("-").map(Number);
  const last = new Date(Date.UTC(year, month, 0));
  const daysLeft = last.getUTCDate() - Number(mtd.through.slice(8, 10));
  return {
    name: formatMonthName(mtd.month),
    end: `${last.getUTCDate()} ${last.toLocaleString("en-GB", { month: "short", timeZone: "UTC" })}`,
    daysLeft,
    closed: daysLeft <= 0,
  };
}

/**
 * The org's budget as news, for the headline: from 80 % spent, or once the month has closed at
 * that, in words ("on track", "over budget") and in the past tense once the month is over.
 * Undefined when it is not news (or there is no budget): the context line tells it then.
 */
export function budgetNews(mtd: MonthToDate, strong = (text: string) => text): string | undefined {
  const budget = mtd.budgetCents;
  if (budget === undefined || budget <= 0) return undefined;
  const share = mtd.spentCents / budget;
  if (share < BUDGET_NEWS_SHARE) return undefined;
  const { name, daysLeft, closed } = monthFacts(mtd);
  const of = `${formatPercent(share)} of the ${formatUsdShort(budget)} budget`;
  if (closed) {
    return `${share > 1 ? ":warning: " : ":calendar: "}${name} closed at ${strong(formatUsdShort(mtd.spentCents))} — ${of}.`;
  }
  const left = `with ${formatInt(daysLeft)} day${daysLeft === 1 ? "" : "s"} to go`;
  if (share >= 1) {
    return `:warning: ${strong("Over budget")}: ${name} is at ${formatUsdShort(mtd.spentCents)}, ${of}, ${left}.`;
  }
  return mtd.projectedCents > budget
    ? `:warning: ${name} is at ${of} ${left} — on pace for ${formatUsdShort(mtd.projectedCents)}, ${strong("over budget")}.`
    : `:calendar: ${name} is at ${of} ${left} — ${strong("on track")}.`;
}

/**
 * The month so far when it is not headline news: "📅 November so far: $9,210 · on pace for
 * $12,400 by 30 Nov (62% of the $20,000 budget)"; once the month is over, what it closed at.
 */
export function monthToDateLine(mtd: MonthToDate): string {
  const { name, end, closed } = monthFacts(mtd);
  const budgeted = mtd.budgetCents && mtd.budgetCents > 0 ? mtd.budgetCents : undefined;
  if (closed) {
    const budget = budgeted
      ? ` (${formatPercent(mtd.spentCents / budgeted)} of the ${formatUsdShort(budgeted)} budget)`
      : "";
    return `:calendar: ${name} closed at *${formatUsdShort(mtd.spentCents)}*${budget}`;
  }
  const budget = budgeted
    ? ` (${formatPercent(mtd.projectedCents / budgeted)} of the ${formatUsdShort(budgeted)} budget)`
    : "";
  return `:calendar: ${name} so far: *${formatUsdShort(mtd.spentCents)}* · on pace for ${formatUsdShort(mtd.projectedCents)} by ${end}${budget}`;
}

export { actorMrkdwn } from "../people.js";

/**
 * "Claude Code · Tue 24 Nov", "Claude Code · last 7 days · Mon 16 – Sun 22 Nov", or with a team
 * "Claude Code · Backend · Tue 24 Nov".
 */
export function reportTitle(report: UsageReport, now: Date, team?: string): string {
  const { period } = report;
  const dates = formatPeriodDates(period, now);
  const named = period.days.length > 1 && !/^\d/.test(period.name) ? `${period.name} · ` : "";
  return clip(`${product(team)} · ${named}${dates}`, MAX_HEADER_TEXT);
}

/** "Claude Code", or "Claude Code · Backend" for a team's report. */
function product(team: string | undefined): string {
  return team ? `Claude Code · ${team}` : "Claude Code";
}

export function renderOrgReport(report: UsageReport, options: ReportRenderOptions): SlackMessage {
  const { now } = options;
  const { totals: t, period } = report;
  const title = reportTitle(report, now, options.team);
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: title, emoji: true } },
  ];
  const empty = t.activeUsers + t.activeApiKeys === 0 && t.costCents === 0;
  const news = options.monthToDate && budgetNews(options.monthToDate, (text) => `*${text}*`);
  // A day not over yet: the headline says "so far" and compares nothing (see storySentence).
  const partial = empty ? undefined : stillComingIn(period, now, options.finalAfterMs);

  if (empty) {
    const notFinal = emptyNotFinal(period, now, options.finalAfterMs);
    blocks.push(
      section(notFinal?.empty ?? `No Claude Code activity on ${formatPeriodDates(period, now)}.`),
    );
    if (news) blocks.push(section(news));
  } else {
    blocks.push(section(storySentence(report, now, mrkdwnStyle(options))));
    // Right under the headline: that it says "so far", and why nothing is compared.
    if (partial) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: partial }] });
    if (news) blocks.push(section(news));
    blocks.push({
      type: "section",
      fields: headlineFields(partial ? withoutBaseline(report) : report).map((text) => ({
        type: "mrkdwn",
        text,
      })),
    });
    if (options.inlineChart) blocks.push(...inlineChartBlocks(options.inlineChart));
    blocks.push(...topSpenders(report.actors, options));
    const models = modelsLine(report);
    if (models) blocks.push(section(models));
    const adoption = adoptionLine(report, options);
    if (adoption) blocks.push(section(adoption));
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: MORE_NUMBERS }] });
  }
  if (options.monthToDate && !news) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: monthToDateLine(options.monthToDate) }],
    });
  }

  if (options.seats && options.seats.members > 0) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: seatsLine(options.seats, period) }],
    });
  }

  // The buttons say what the hint would have ("`/claude-usage last 7 days` for the week").
  const closing = options.actions ? { ...options, hint: undefined } : options;
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: footer(report, closing) }] });
  if (options.actions) {
    const text = fallbackText(report, now, closing);
    return {
      text,
      blocks: withActions(capBlocks(blocks), messageActionsBlock(options.actions, { empty })),
    };
  }
  if (options.share && !empty) {
    blocks.push({
      type: "actions",
      block_id: "report_actions",
      elements: [
        {
          type: "button",
          action_id: options.share.actionId,
          text: { type: "plain_text", text: "Share in channel" },
          value: options.share.value,
        },
      ],
    });
  }
  const text = fallbackText(report, now, options);
  return { text, blocks: capBlocks(blocks) };
}

/** The chart as an image block (a Slack file, by id), and the line under it. */
export function inlineChartBlocks(chart: InlineChart): KnownBlock[] {
  const image: KnownBlock = {
    type: "image",
    slack_file: { id: chart.fileId },
    alt_text: clip(chart.altText, 2000),
    ...(chart.title ? { title: { type: "plain_text", text: clip(chart.title, 2000) } } : {}),
  };
  if (!chart.note) return [image];
  return [image, { type: "context", elements: [{ type: "mrkdwn", text: chart.note }] }];
}

/** The notification line: what a phone shows before the message is opened. */
export function fallbackText(
  report: UsageReport,
  now: Date,
  options: Pick<
    ReportRenderOptions,
    "names" | "plainName" | "monthToDate" | "finalAfterMs" | "team"
  > = {},
): string {
  const lead = product(options.team);
  const news = options.monthToDate && budgetNews(options.monthToDate);
  const budget = news ? ` ${news.replace(/^:[a-z_]+: /, "")}` : "";
  const { totals: t } = report;
  const single = report.period.days.length === 1;
  const dates = single
    ? formatDay(report.period.from, now)
    : `${report.period.name} (${formatPeriodDates(report.period, now)})`;
  // A team's name is set apart from the period: "Claude Code · Backend · Tue 24 Nov: …".
  const when = options.team ? `· ${dates}` : single ? `on ${dates}` : dates;
  if (t.activeUsers + t.activeApiKeys === 0 && t.costCents === 0) {
    const notFinal = emptyNotFinal(report.period, now, options.finalAfterMs);
    return `${lead} ${when}: ${notFinal?.emptyShort ?? "no activity"}${budget}`;
  }
  return `${lead} ${when}: ${storySentence(report, now, {
    ...PLAIN,
    // A Slack display name, or "one person": never an email on a lock screen.
    name: (actor) =>
      PLAIN.name(actor) ?? options.names?.(actor)?.name ?? options.plainName?.(actor),
  })}${budget}`;
}

/** The story in mrkdwn: people as the message names them everywhere else. */
function mrkdwnStyle(options: ReportRenderOptions): StoryStyle {
  return { name: (actor) => actorMrkdwn(actor, options.names), strong: (text) => `*${text}*` };
}

const field = (label: string, value: string, delta: string) =>
  `${label}\n*${value}*${delta ? `  ${delta}` : ""}`;

/** The four facts above the fold, each with its change: people, sessions, lines added, PRs. */
function headlineFields(report: UsageReport): string[] {
  const { totals: t, changes: c } = report;
  return [
    field(
      t.activeUsers === 1 ? "Active person" : "Active people",
      formatInt(t.activeUsers),
      formatAbsChange(c?.activeUsers),
    ),
    field("Sessions", formatInt(t.sessions), formatPctChange(c?.sessions)),
    field("Lines added", formatCompact(t.linesAdded), formatPctChange(c?.linesAdded)),
    field("Pull requests", formatInt(t.pullRequests), formatAbsChange(c?.pullRequests)),
  ];
}

/**
 * The rest of the totals, for those who look further (`models`, the export): lines removed,
 * commits, accept rate, cache share, API keys, tokens.
 */
export function detailFields(report: UsageReport): string[] {
  const { totals: t, changes: c, previous } = report;
  const fields = [
    field("Lines removed", formatCompact(t.linesRemoved), formatPctChange(c?.linesRemoved)),
    field("Commits", formatInt(t.commits), formatPctChange(c?.commits)),
    field(
      "Accept rate",
      formatPercent(t.acceptanceRate),
      pointsChange(t.acceptanceRate, previous?.acceptanceRate),
    ),
  ];
  const inputSide = t.tokens.input + t.tokens.cacheRead + t.tokens.cacheCreation;
  if (inputSide > 0) {
    fields.push(`Cache reads\n*${formatPercent(t.tokens.cacheRead / inputSide)}* of input`);
  }
  if (t.activeApiKeys > 0 || (previous?.activeApiKeys ?? 0) > 0) {
    fields.push(field("API keys", formatInt(t.activeApiKeys), formatAbsChange(c?.activeApiKeys)));
  }
  const tk = t.tokens;
  fields.push(
    `Tokens\n*${formatCompact(tk.input + tk.output + tk.cacheRead + tk.cacheCreation)}*  in ${formatCompact(tk.input)} · out ${formatCompact(tk.output)}`,
  );
  return fields.slice(0, 10);
}

/** Where the numbers that left the report are. */
export const MORE_NUMBERS =
  "Lines removed, commits, accept rate, cache reads and tokens: `/claude-usage models` or the CSV export.";

function pointsChange(now: number | null, before: number | null | undefined): string {
  if (now === null || before === null || before === undefined) return "";
  const points = Math.round((now - before) * 100);
  if (points === 0) return "(=)";
  return `${points > 0 ? "▲" : "▼"} ${Math.abs(points)} pt${Math.abs(points) === 1 ? "" : "s"}`;
}

function topSpenders(actors: readonly ActorRow[], options: ReportRenderOptions): KnownBlock[] {
  const spenders = actors.filter((a) => a.costCents > 0 || a.sessions > 0);
  if (spenders.length === 0) return [];
  const top = Math.max(1, options.top ?? 5);
  if (options.tables) {
    const shown = spenders.slice(0, Math.min(top, MAX_TABLE_ROWS - 1));
    const columns = [
      {
        header:
          shown.length < spenders.length
            ? `Top ${formatInt(shown.length)} of ${formatInt(spenders.length)}`
            : "Top spenders",
        wrap: true,
      },
      { header: "Spend", align: "right" as const },
      { header: "Sessions", align: "right" as const },
    ];
    return [
      tableBlock(
        columns,
        shown.map((actor, i) => [
          mrkdwnCell(`${MEDALS[i] ?? `${i + 1}.`} ${actorMrkdwn(actor, options.names)}`),
          textCell(formatUsd(actor.costCents)),
          textCell(formatInt(actor.sessions)),
        ]),
      ),
    ];
  }
  const lines = spenders.slice(0, top).map((actor, i) => {
    const rank = MEDALS[i] ?? `${i + 1}.`;
    return `${rank} ${actorMrkdwn(actor, options.names)}  ${formatUsd(actor.costCents)} · ${formatInt(actor.sessions)} session${actor.sessions === 1 ? "" : "s"} · ${formatCompact(actor.linesAdded)} lines`;
  });
  if (spenders.length > top) lines.push(`…and ${formatInt(spenders.length - top)} more`);
  return packLines(["*Top spenders*", ...lines]).map(section);
}

function modelsLine(report: UsageReport): string | undefined {
  if (report.models.length === 0) return undefined;
  const shown = report.models.slice(0, 6).map((m) => {
    const share = m.share >= 0.01 ? ` (${formatPercent(m.share)})` : "";
    return `${escapeMrkdwn(modelLabel(m.model))} ${formatUsdShort(m.costCents)}${share}`;
  });
  const more = report.models.length - shown.length;
  return clip(`*By model*   ${shown.join(" · ")}${more > 0 ? ` · +${more} more` : ""}`, 3000);
}

/**
 * "👋 2 started using Claude Code: @ada, bob@… · 3 people active the week before were not in
 * this one",
 * in weekly and monthly reports (a day is too short to say anything of adoption). "New" is
 * first-ever use; who stopped is a count in channels, and names only in private views.
 */
export function adoptionLine(
  report: UsageReport,
  options: Pick<ReportRenderOptions, "names" | "audience">,
): string | undefined {
  const adoption = report.adoption;
  if (!adoption || report.period.days.length < 7) return undefined;
  // People who stopped are not in the period's actors: named from their email alone.
  const name = (email: string) =>
    actorMrkdwn(
      report.actors.find((a) => a.key === userKey(email)) ?? {
        key: userKey(email),
        type: "user",
        name: email,
      },
      options.names,
    );
  const list = (names: readonly string[]) =>
    `${names.slice(0, 5).map(name).join(", ")}${names.length > 5 ? ` and ${formatInt(names.length - 5)} more` : ""}`;
  const people = (n: number) => `${formatInt(n)} ${n === 1 ? "person" : "people"}`;
  const parts: string[] = [];
  const started = adoption.newKnown ? adoption.newUsers : [];
  if (started.length > 0) {
    parts.push(`👋 ${formatInt(started.length)} started using Claude Code: ${list(started)}`);
  }
  const stopped = adoption.stoppedUsers;
  if (stopped.length > 0) {
    const unit = periodUnit(report);
    const names = (options.audience ?? "channel") === "private" ? `: ${list(stopped)}` : "";
    const were = stopped.length === 1 ? "was" : "were";
    parts.push(
      `${people(stopped.length)} active the ${unit} before ${were} not in this one${names}`,
    );
  }
  // One fact a line: on a phone, a second fact after a "·" wraps into the first one's names.
  return parts.length > 0 ? clip(parts.join("\n"), 3000) : undefined;
}

/** "week", "month" or "period": what the report covers, for "active the week before". */
function periodUnit(report: UsageReport): string {
  const { days, from, to } = report.period;
  if (days.length === 7) return "week";
  if (from.endsWith("-01") && from.slice(0, 7) === to.slice(0, 7)) return "month";
  return "period";
}

function footer(report: UsageReport, options: ReportRenderOptions): string {
  const zone = options.timeZone ?? "UTC";
  const fetched = new Intl.DateTimeFormat("en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    timeZone: zone,
  }).format(new Date(report.generatedAt));
  const parts = [
    formatUtcCoverage(report.period),
    "costs are estimates from Anthropic",
    `fetched ${fetched} ${zone}`,
  ];
  if (report.invalidRecords > 0)
    parts.push(`⚠️ ${formatInt(report.invalidRecords)} unreadable record(s) not counted`);
  if (options.hint) parts.push(options.hint);
  return clip(parts.join(" · "), 3000);
}

function section(text: string): SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
