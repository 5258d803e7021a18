/*
 * Budget and spike alerts, as pure decisions. The job that posts them (schedule/alerts-job.ts)
 * makes each one at most once through the delivery ledger.
 */

export const BUDGET_THRESHOLDS = [50, 80, 100] as const;

export interface BudgetStatus {
  /** YYYY-MM */
  month: string;
  spentCents: number;
  budgetCents: number;
  /** Thresholds (percent of budget) reached by month-to-date spend. */
  crossed: number[];
  /** Simple end-of-month projection: month-to-date spend per day so far × days in the month. */
  projectedCents: number;
  daysElapsed: number;
  daysInMonth: number;
}

/**
 * Where month-to-date spend stands against a monthly budget. `through` is the last UTC day
 * included (usually yesterday).
 */
export function budgetStatus(
  spentCents: number,
  budgetCents: number,
  through: string,
): BudgetStatus {
  const date = new Date(`${through}T00:00:00Z`);
  const daysElapsed = date.getUTCDate();
  const daysInMonth = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0),
  ).getUTCDate();
  const percent = budgetCents > 0 ? (spentCents / budgetCents) * 100 : 0;
  return {
    month: through.slice(0, 7),
    spentCents,
    budgetCents,
    crossed: BUDGET_THRESHOLDS.filter((t) => percent >= t),
    projectedCents: (spentCents / daysElapsed) * daysInMonth,
    daysElapsed,
    daysInMonth,
  };
}

export interface Spike {
  /** Actor key, or "org". */
  key: string;
  name: string;
  costCents: number;
  medianCents: number;
  /** costCents / medianCents (Infinity when the median is 0). */
  factor: number;
}

export interface SpikeRule {
  /** How many times the trailing median counts as a spike (e.g. 3). */
  factor: number;
  /** Below this, never a spike (cents): a $2 day is not news. */
  floorCents: number;
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
  costCents: number,
  trailingCents: readonly number[],
  rule: SpikeRule,
): Spike | null {
  if (costCents < rule.floorCents) return null;
  const baseline = median(trailingCents);
  if (costCents <= rule.factor * baseline) return null;
  return {
    key,
    name,
    costCents,
    medianCents: baseline,
    factor: baseline > 0 ? costCents / baseline : Number.POSITIVE_INFINITY,
  };
}
