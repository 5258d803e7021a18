/* Axis arithmetic: "nice" tick steps (1, 2 or 5 × 10^n) and date-label thinning. */

export interface Ticks {
  /** Top of the axis: a multiple of `step`, ≥ the data maximum. */
  max: number;
  step: number;
  /** 0, step, 2·step … max. */
  values: number[];
}

/**
 * Ticks from 0 to at least `max`, about `target` of them, on a 1/2/5 × 10^n step.
 * `minStep` keeps counts (people) on whole numbers. A max of 0 (or less) gives one step, so an
 * all-zero series still has an axis and nothing divides by zero.
 */
export function niceTicks(max: number, target = 5, minStep = 0): Ticks {
  const raw = Math.max(max, 0) / Math.max(target, 1);
  let step = raw > 0 ? niceStep(raw) : 1;
  if (step < minStep) step = minStep;
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  const values: number[] = [];
  for (let i = 0; i <= count; i++) values.push(clean(i * step));
  return { max: clean(count * step), step, values };
}

/** The smallest 1, 2 or 5 × 10^n that is ≥ `raw`. */
export function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / magnitude;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return clean(nice * magnitude);
}

/** Is `n` a 1, 2 or 5 × 10^n (or 0)? Used by tests and assertions. */
export function isNice(n: number): boolean {
  if (n === 0) return true;
  const magnitude = 10 ** Math.floor(Math.log10(Math.abs(n)));
  const lead = clean(Math.abs(n) / magnitude);
  return lead === 1 || lead === 2 || lead === 5;
}

/**
 * Every how many days to label the x axis so at most `maxLabels` labels appear: every day for
 * short periods, then 2 or 3 days, then whole weeks, so labels fall on the same weekday.
 */
export function labelStride(days: number, maxLabels = 8): number {
  const need = Math.ceil(days / maxLabels);
  if (need <= 3) return Math.max(1, need);
  return Math.ceil(need / 7) * 7;
}

/** Indexes of the labelled days, from the first; count ≤ maxLabels. */
export function labelledDays(days: number, maxLabels = 8): number[] {
  const stride = labelStride(days, maxLabels);
  const out: number[] = [];
  for (let i = 0; i < days; i += stride) out.push(i);
  return out;
}

/** Floating-point noise off: 0.30000000000000004 → 0.3. */
function clean(n: number): number {
  return Number(n.toPrecision(12));
}
