import { type Cents, cents } from "./money.js";

/*
 * Budget and spike alerts, as pure decisions. The job that posts them (schedule/alerts-job.ts)
 * makes each one at most once through the delivery ledger.
 */

export const BUDGET_THRESHOLDS = [50, 80, 100] as const;

export interface BudgetStatus {
  /** YYYY-MM */
  month: string;
  spentCents: Cents;
  budgetCents: Cents;
  /** Thresholds (percent of budget) reached by month-to-date spend. */
  crossed: number[];
  /** Simple end-of-month projection: month-to-date spend per day so far × days in the month. */
  projectedCents: Cents;
  daysElapsed: number;
  daysInMonth: number;
}

/** Spend as a share of the budget (1 = all of it; 0 without a budget). */
export function budgetShare(status: Pick<BudgetStatus, "spentCents" | "budgetCents">): number {
  return status.budgetCents > 0 ? status.spentCents / status.budgetCents : 0;
}

/**
 * Where month-to-date spend stands against a monthly budget. `through` is the last UTC day
 * included (usually yesterday).
 */
export function budgetStatus(
  spentCents: Cents,
  budgetCents: Cents,
  through: string,
  thresholds: readonly number[] = BUDGET_THRESHOLDS,
): BudgetStatus {
  const date = new Date(`${through}T00:00:00Z`);
  const daysElapsed = date.getUTCDate();
  const daysInMonth = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
  ).getUTCDate();
  const percent = budgetShare({ spentCents, budgetCents }) * 100;
  return {
    month: through.slice(0, 7),
    spentCents,
    budgetCents,
    crossed: thresholds.filter((t) => percent >= t),
    projectedCents: cents((spentCents / daysElapsed) * daysInMonth),
    daysElapsed,
    daysInMonth,
  };
}

/**
 * A person's budget alerts only at 80 and 100 %: half a personal budget spent is not news for a
 * channel, while half of the org's is planning information.
 */
export const PERSONAL_BUDGET_THRESHOLDS = [80, 100] as const;

export interface PersonalBudgets {
  /** Everyone's monthly budget in cents (API keys only through overrides). */
  defaultCents?: Cents | undefined;
  /** Budgets by actor key; null means no budget for this actor. */
  overrides: ReadonlyMap<string, Cents | null>;
}

/** Whether any person or API key has a budget. */
export function hasPersonalBudgets(
  budgets: PersonalBudgets | undefined,
): budgets is PersonalBudgets {
  return !!budgets && (!!budgets.defaultCents || budgets.overrides.size > 0);
}

/**
 * An actor's monthly budget in cents, if any: its override, else the default for people. The
 * default does not apply to API keys: a CI key's spend is not a person's.
 */
export function personalBudgetOf(
  actor: { key: string; type: string },
  budgets: PersonalBudgets,
): Cents | undefined {
  const override = budgets.overrides.get(actor.key);
  const budget =
    override !== undefined ? override : actor.type === "user" ? budgets.defaultCents : undefined;
  return budget && budget > 0 ? budget : undefined;
}

export interface PersonalBudgetStatus<A> {
  actor: A;
  status: BudgetStatus;
}

/**
 * The people (and API keys) whose month-to-date spend reached one of the personal thresholds,
 * most over budget first.
 */
export function personalBudgetsCrossed<A extends { key: string; type: string; costCents: Cents }>(
  actors: Iterable<A>,
  budgets: PersonalBudgets,
  through: string,
): PersonalBudgetStatus<A>[] {
  const crossed: PersonalBudgetStatus<A>[] = [];
  for (const actor of actors) {
    const budget = personalBudgetOf(actor, budgets);
    if (budget === undefined) continue;
    const status = budgetStatus(actor.costCents, budget, through, PERSONAL_BUDGET_THRESHOLDS);
    if (status.crossed.length > 0) crossed.push({ actor, status });
  }
  return crossed.sort(
    (a, b) =>
      b.status.spentCents / b.status.budgetCents - a.status.spentCents / a.status.budgetCents ||
      a.actor.key.localeCompare(b.actor.key),
  );
}

export interface Spike {
  /** Actor key, or "org". */
  key: string;
  name: string;
  costCents: Cents;
  medianCents: Cents;
  /** costCents / medianCents (Infinity when the median is 0). */
  factor: number;
}

export interface SpikeRule {
  /** How many times the trailing median counts as a spike (e.g. 3). */
  factor: number;
  /** Below this, never a spike (cents): a $2 day is not news. */
  floorCents: Cents;
}

/** The median of a list (0 for an empty one). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Whether a day's cost is far above its trailing baseline. Days without activity count as 0 in the
 * baseline, so someone new spending heavily is a spike (their median is 0).
 */
export function spikeOf(
  key: string,
  name: string,
  costCents: Cents,
  trailingCents: readonly Cents[],
  rule: SpikeRule,
): Spike | null {
  if (costCents < rule.floorCents) return null;
  const baseline = median(trailingCents);
  if (costCents <= rule.factor * baseline) return null;
  return {
    key,
    name,
    costCents,
    medianCents: cents(baseline),
    factor: baseline > 0 ? costCents / baseline : Number.POSITIVE_INFINITY,
  };
}
