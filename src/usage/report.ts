import type { ActorType } from "./actor-key.js";
import type { ActorStats, DailyPoint, UsageAggregate } from "./aggregate.js";
import { newPeople, stoppedPeople } from "./first-use.js";
import {
  CHANGING_METRICS,
  type ChangingMetric,
  inReportUnits,
  type Metrics,
  type ReportKey,
  type ReportMetrics,
  reportKey,
  type TokenCounts,
} from "./metrics.js";
import { type Cents, type Micros, microsToCents, NO_CENTS } from "./money.js";
import type { BaselineKind, Period } from "./periods.js";
import { ROWS_PER_STEP, runSteps, type Steps } from "./steps.js";

/*
 * A report: the aggregate of a period, put in order for people — totals, changes against the
 * previous period, leaderboards, models. Pure: renderers for Slack, text, JSON and CSV read it.
 */

/** A period's totals: the summed metrics (metrics.ts) in report units, and what is counted. */
export interface ReportTotals extends ReportMetrics {
  /** Distinct people (user actors). */
  activeUsers: number;
  /** Distinct API keys used as actors. */
  activeApiKeys: number;
  /** accepted / (accepted + rejected) over the editing tools; null when there were none. */
  acceptanceRate: number | null;
}

export interface Change {
  current: number;
  previous: number;
  /** current − previous */
  abs: number;
  /** Relative change in percent; null when the previous value was 0. */
  pct: number | null;
}

/** The table's metrics that change is shown for, and the counts of people and keys. */
export type ChangeMetric = ReportKey<ChangingMetric["key"]> | "activeUsers" | "activeApiKeys";
export const CHANGE_METRICS: readonly ChangeMetric[] = [
  ...CHANGING_METRICS.map((m) => reportKey(m.key)),
  "activeUsers",
  "activeApiKeys",
];

export interface ActorRow extends ReportMetrics {
  key: string;
  type: ActorType;
  name: string;
  acceptanceRate: number | null;
  activeDays: number;
  terminals: string[];
  /** The model with the highest cost for this actor, if any. */
  topModel: string | null;
  /** The same actor in the previous period, when known and active there. */
  previous: ActorTotals | null;
}

export type ActorTotals = Pick<
  ActorRow,
  "costCents" | "sessions" | "linesAdded" | "linesRemoved" | "commits" | "pullRequests"
>;

export interface ModelRow {
  model: string;
  costCents: Cents;
  /** Share of the period's cost, 0..1. */
  share: number;
  tokens: TokenCounts;
}

export interface TerminalRow {
  terminal: string;
  records: number;
  sessions: number;
  costCents: Cents;
}

export interface ToolRow {
  tool: string;
  accepted: number;
  rejected: number;
  acceptanceRate: number | null;
}

export interface DailyRow {
  day: string;
  costCents: Cents;
  sessions: number;
  linesAdded: number;
  commits: number;
  pullRequests: number;
  activeUsers: number;
  activeApiKeys: number;
}

export interface Adoption {
  /**
   * Names (emails) of people whose first-ever day (in the data the bot has) is in this period, by
   * cost. Empty when `newKnown` is false.
   */
  newUsers: string[];
  /** Whether anyone can be called new: false without a first-seen record (no store, or it failed). */
  newKnown: boolean;
  /**
   * Names of people active in the previous period and not in this one, by their previous cost;
   * empty without a previous period. Names for private views only (see the renderers' audience).
   */
  stoppedUsers: string[];
}

export interface UsageReport {
  period: Period;
  /** The baseline the changes are against (see comparisonPeriod), or null without one. */
  previousPeriod: Period | null;
  /** How the baseline was chosen, so that renderers can say it in words. */
  baseline: BaselineKind | null;
  totals: ReportTotals;
  previous: ReportTotals | null;
  changes: Record<ChangeMetric, Change> | null;
  /** Every actor (people and API keys), by cost, then sessions, then name. */
  actors: ActorRow[];
  models: ModelRow[];
  terminals: TerminalRow[];
  tools: ToolRow[];
  /** One row per day of the period, zeros where the API had nothing. */
  daily: DailyRow[];
  /** Who started using Claude Code, who was active before and not now; null when neither is known. */
  adoption: Adoption | null;
  invalidRecords: number;
  invalidSamples: string[];
  nonUsdCostItems: number;
  generatedAt: string;
}

export const LEADERBOARD_METRICS = ["cost", "sessions", "lines", "commits", "prs"] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];

const LEADERBOARD_FIELD: Record<LeaderboardMetric, keyof ActorTotals> = {
  cost: "costCents",
  sessions: "sessions",
  lines: "linesAdded",
  commits: "commits",
  prs: "pullRequests",
};

export interface ReportInput {
  period: Period;
  current: UsageAggregate;
  /** The baseline; without a `baseline` kind it is the equal period before. */
  previousPeriod?: (Period & { baseline?: BaselineKind }) | null | undefined;
  previous?: UsageAggregate | null | undefined;
  generatedAt?: Date | undefined;
  /**
   * Each person's first day in the data the bot has (at least for the people first seen in this
   * period), from the store's first-seen record; null or absent when it is unavailable.
   */
  firstDays?: ReadonlyMap<string, string> | null | undefined;
}

export function buildReport(input: ReportInput): UsageReport {
  return runSteps(buildReportSteps(input));
}

/** The same in steps (steps.ts): a row for each ROWS_PER_STEP actors, then the rest. */
export function* buildReportSteps(input: ReportInput): Steps<UsageReport> {
  const { period, current } = input;
  const previous = input.previous ?? null;
  const totals = reportTotals(current);
  const previousTotals = previous ? reportTotals(previous) : null;
  const baselinePeriod = input.previousPeriod ? plainPeriod(input.previousPeriod) : null;

  const actors: ActorRow[] = [];
  for (const actor of current.actors.values()) {
    actors.push(actorRow(actor, previous?.actors.get(actor.key)));
    if (actors.length % ROWS_PER_STEP === 0) yield;
  }
  actors.sort(byCostThenSessions);
  yield;

  const costTotal = current.totals.costMicros;
  const models = [...current.models.values()]
    .map((m) => ({
      model: m.model,
      costCents: microsToCents(m.costMicros),
      share: costTotal > 0 ? m.costMicros / costTotal : 0,
      tokens: { ...m.tokens },
    }))
    .sort((a, b) => b.costCents - a.costCents || a.model.localeCompare(b.model));

  const terminals = [...current.terminals.values()]
    .map((t) => ({
      terminal: t.terminal,
      records: t.records,
      sessions: t.sessions,
      costCents: microsToCents(t.costMicros),
    }))
    .sort((a, b) => b.sessions - a.sessions || a.terminal.localeCompare(b.terminal));

  const tools = [...current.tools.values()]
    .map((t) => ({ ...t, acceptanceRate: rate(t.accepted, t.rejected) }))
    .sort((a, b) => b.accepted + b.rejected - (a.accepted + a.rejected));

  return {
    period,
    previousPeriod: baselinePeriod,
    baseline: baselinePeriod ? (input.previousPeriod?.baseline ?? "equal") : null,
    totals,
    previous: previousTotals,
    changes: previousTotals ? changesBetween(totals, previousTotals) : null,
    actors,
    models,
    terminals,
    tools,
    daily: dailyRows(period.days, current.daily),
    adoption: adoption(input.period, current, previous, input.firstDays ?? null),
    invalidRecords: current.invalidRecords,
    invalidSamples: [...current.invalidSamples],
    nonUsdCostItems: current.nonUsdCostItems,
    generatedAt: (input.generatedAt ?? new Date()).toISOString(),
  };
}

/** The top `n` actors by a metric; ties broken by cost, then name. Zero values are left out. */
export function leaderboard(
  actors: readonly ActorRow[],
  metric: LeaderboardMetric,
  n = Number.POSITIVE_INFINITY,
): ActorRow[] {
  const field = LEADERBOARD_FIELD[metric];
  return actors
    .filter((a) => a[field] > 0)
    .sort(
      (a, b) => b[field] - a[field] || b.costCents - a.costCents || a.name.localeCompare(b.name),
    )
    .slice(0, n);
}

export function change(current: number, previous: number): Change {
  return {
    current,
    previous,
    abs: current - previous,
    pct: previous === 0 ? null : ((current - previous) / previous) * 100,
  };
}

export function rate(accepted: number, rejected: number): number | null {
  const all = accepted + rejected;
  return all === 0 ? null : accepted / all;
}

/** An actor's rank (1-based) by cost among people and keys, and the count ranked. */
export function rankOf(
  actors: readonly ActorRow[],
  key: string,
): { rank: number; of: number } | null {
  const index = actors.findIndex((a) => a.key === key);
  return index < 0 ? null : { rank: index + 1, of: actors.length };
}

/** Who started and who stopped using Claude Code, people only (API keys are not adoption). */
function adoption(
  period: Period,
  current: UsageAggregate,
  previous: UsageAggregate | null,
  firstDays: ReadonlyMap<string, string> | null,
): Adoption | null {
  if (!previous && !firstDays) return null;
  return {
    newUsers: firstDays ? newPeople(current, period, firstDays) : [],
    newKnown: firstDays !== null,
    stoppedUsers: previous ? stoppedPeople(current, previous) : [],
  };
}

function reportTotals(agg: UsageAggregate): ReportTotals {
  const t = agg.totals;
  let activeUsers = 0;
  let activeApiKeys = 0;
  for (const actor of agg.actors.values()) {
    if (actor.type === "user") activeUsers++;
    else if (actor.type === "api_key") activeApiKeys++;
  }
  return {
    ...inReportUnits(t),
    activeUsers,
    activeApiKeys,
    acceptanceRate: rate(t.toolAccepted, t.toolRejected),
  };
}

function changesBetween(now: ReportTotals, before: ReportTotals): Record<ChangeMetric, Change> {
  const out = {} as Record<ChangeMetric, Change>;
  for (const metric of CHANGE_METRICS) out[metric] = change(now[metric], before[metric]);
  return out;
}

/** One literal per actor, no spread (a spread made each row a slow dictionary object). */
function actorRow(actor: ActorStats, before: ActorStats | undefined): ActorRow {
  return {
    key: actor.key,
    type: actor.type,
    name: actor.name,
    costCents: microsToCents(actor.costMicros),
    sessions: actor.sessions,
    linesAdded: actor.linesAdded,
    linesRemoved: actor.linesRemoved,
    commits: actor.commits,
    pullRequests: actor.pullRequests,
    toolAccepted: actor.toolAccepted,
    toolRejected: actor.toolRejected,
    tokens: { ...actor.tokens },
    acceptanceRate: rate(actor.toolAccepted, actor.toolRejected),
    activeDays: actor.activeDays,
    terminals: [...actor.terminals].sort(),
    topModel: topKey(actor.modelCosts),
    previous: before ? actorTotals(before) : null,
  };
}

function actorTotals(m: Metrics): ActorTotals {
  return {
    costCents: microsToCents(m.costMicros),
    sessions: m.sessions,
    linesAdded: m.linesAdded,
    linesRemoved: m.linesRemoved,
    commits: m.commits,
    pullRequests: m.pullRequests,
  };
}

function dailyRows(days: readonly string[], points: readonly DailyPoint[]): DailyRow[] {
  const byDay = new Map(points.map((p) => [p.day, p]));
  return days.map((day) => {
    const p = byDay.get(day);
    return {
      day,
      costCents: p ? microsToCents(p.costMicros) : NO_CENTS,
      sessions: p?.sessions ?? 0,
      linesAdded: p?.linesAdded ?? 0,
      commits: p?.commits ?? 0,
      pullRequests: p?.pullRequests ?? 0,
      activeUsers: p?.activeUsers ?? 0,
      activeApiKeys: p?.activeApiKeys ?? 0,
    };
  });
}

function plainPeriod({ from, to, days, name }: Period): Period {
  return { from, to, days, name };
}

function byCostThenSessions(a: ActorRow, b: ActorRow): number {
  return b.costCents - a.costCents || b.sessions - a.sessions || a.name.localeCompare(b.name);
}

function topKey(costs: Record<string, Micros>): string | null {
  let best: string | null = null;
  let bestCost = Number.NEGATIVE_INFINITY;
  for (const key in costs) {
    const cost = costs[key] ?? 0;
    if (cost > bestCost || (cost === bestCost && best !== null && key < best)) {
      best = key;
      bestCost = cost;
    }
  }
  return best;
}
