import { addMicros, type Cents, type Micros, microsToCents } from "./money.js";

/*
 * The summed metrics, once: what each is called in code, where it sits in a compact actor row
 * (compact.ts), its unit, its CSV header and JSON key, and how people read it. The column offsets
 * of the day builder and the merge, the stored schema, the totals, the report's changes and the
 * CSV and JSON columns are all read from this table. The hot loops are unrolled by hand, with
 * their offsets taken from COLUMN; test/usage/metrics.test.ts folds a record whose every metric
 * is a different prime and checks each lands in its own place, so a loop that drifts from the
 * table fails there rather than giving wrong numbers.
 */

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/** The additive metrics shared by totals, actors and days. */
export interface Metrics {
  costMicros: Micros;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
  toolAccepted: number;
  toolRejected: number;
  tokens: TokenCounts;
  /** Raw API records folded in. */
  records: number;
}

/** Money is µ$ in the rows and cents in reports (money.ts); the rest are plain counts. */
export type MetricUnit = "money" | "count" | "tokens" | "days";

/** A number held directly by Metrics, or by an actor (its active days). */
type Field = Exclude<keyof Metrics, "tokens"> | "activeDays";
type TokenKey = `tokens${Capitalize<keyof TokenCounts>}`;

interface MetricSpec {
  /** Its name in code; a property of Metrics (or an actor's), unless it is a token count. */
  readonly key: Field | TokenKey;
  /** For token counts: the property of `tokens` that holds it. */
  readonly token?: keyof TokenCounts;
  readonly unit: MetricUnit;
  /** Summed into a period's totals (active days are per actor only). */
  readonly total: boolean;
  /** Compared with the previous period in reports. */
  readonly change: boolean;
  /** CSV header; null when exports leave it out. */
  readonly csv: string | null;
  /** JSON key (for tokens, within `tokens`); null when the JSON report leaves it out. */
  readonly json: string | null;
  readonly label: string;
}

/** In column order: the position in this list is the offset in an actor row. */
const SPECS = [
  {
    key: "costMicros",
    unit: "money",
    total: true,
    change: true,
    csv: "cost_cents",
    json: "cost_cents",
    label: "Estimated spend",
  },
  {
    key: "sessions",
    unit: "count",
    total: true,
    change: true,
    csv: "sessions",
    json: "sessions",
    label: "Sessions",
  },
  {
    key: "linesAdded",
    unit: "count",
    total: true,
    change: true,
    csv: "lines_added",
    json: "lines_added",
    label: "Lines added",
  },
  {
    key: "linesRemoved",
    unit: "count",
    total: true,
    change: true,
    csv: "lines_removed",
    json: "lines_removed",
    label: "Lines removed",
  },
  {
    key: "commits",
    unit: "count",
    total: true,
    change: true,
    csv: "commits",
    json: "commits",
    label: "Commits",
  },
  {
    key: "pullRequests",
    unit: "count",
    total: true,
    change: true,
    csv: "pull_requests",
    json: "pull_requests",
    label: "Pull requests",
  },
  {
    key: "toolAccepted",
    unit: "count",
    total: true,
    change: true,
    csv: "tool_accepted",
    json: "tool_accepted",
    label: "Edits accepted",
  },
  {
    key: "toolRejected",
    unit: "count",
    total: true,
    change: true,
    csv: "tool_rejected",
    json: "tool_rejected",
    label: "Edits rejected",
  },
  {
    key: "tokensInput",
    token: "input",
    unit: "tokens",
    total: true,
    change: false,
    csv: "tokens_input",
    json: "input",
    label: "Input tokens",
  },
  {
    key: "tokensOutput",
    token: "output",
    unit: "tokens",
    total: true,
    change: false,
    csv: "tokens_output",
    json: "output",
    label: "Output tokens",
  },
  {
    key: "tokensCacheRead",
    token: "cacheRead",
    unit: "tokens",
    total: true,
    change: false,
    csv: "tokens_cache_read",
    json: "cache_read",
    label: "Cache read tokens",
  },
  {
    key: "tokensCacheCreation",
    token: "cacheCreation",
    unit: "tokens",
    total: true,
    change: false,
    csv: "tokens_cache_creation",
    json: "cache_creation",
    label: "Cache write tokens",
  },
  {
    key: "records",
    unit: "count",
    total: true,
    change: false,
    csv: null,
    json: null,
    label: "API records",
  },
  {
    key: "activeDays",
    unit: "days",
    total: false,
    change: false,
    csv: "active_days",
    json: "active_days",
    label: "Active days",
  },
] as const satisfies readonly MetricSpec[];

export type MetricKey = (typeof SPECS)[number]["key"];
export type Metric = (typeof SPECS)[number] & { readonly column: number };

export const METRICS: readonly Metric[] = SPECS.map((spec, column) => ({ ...spec, column }));

/** Each metric's row of the table, by key. */
export const METRIC = Object.fromEntries(METRICS.map((m) => [m.key, m])) as {
  readonly [K in MetricKey]: Extract<Metric, { key: K }>;
};

/** Each metric's offset in an actor row. */
export const COLUMN = Object.fromEntries(METRICS.map((m) => [m.key, m.column])) as {
  readonly [K in MetricKey]: number;
};

/** Numbers per actor row. */
export const WIDTH = METRICS.length;

/** The metric names in column order (the compact form's FIELDS). */
export const FIELDS: readonly MetricKey[] = METRICS.map((m) => m.key);

// Every number of Metrics has a row in the table, and every row names a number that exists.
type Covered = Exclude<Field | `tokens${Capitalize<keyof TokenCounts>}`, MetricKey>;
const everyMetricHasARow: [Covered] extends [never] ? true : Covered = true;
void everyMetricHasARow;

/** The metrics summed into a period's totals (Metrics), in column order. */
export const TOTAL_METRICS: readonly Metric[] = METRICS.filter((m) => m.total);

/** Metrics and an actor's active days, as held by aggregates. */
export type MetricHolder = Metrics & { activeDays?: number };

/** A metric's value in an aggregate's object (money in µ$). */
export function metricValue(holder: MetricHolder, metric: Metric): number {
  return "token" in metric ? holder.tokens[metric.token] : (holder[metric.key] ?? 0);
}

/** A metric's name in reports, where money is in cents. */
export type ReportKey<K extends string> = K extends "costMicros" ? "costCents" : K;
export const reportKey = <K extends string>(key: K): ReportKey<K> =>
  (key === "costMicros" ? "costCents" : key) as ReportKey<K>;

/** The metrics compared with the previous period. */
export type ChangingMetric = Extract<Metric, { change: true }>;
export const CHANGING_METRICS: readonly ChangingMetric[] = METRICS.filter(
  (m): m is ChangingMetric => m.change,
);

/** The totals of Metrics as reports hold them: money in cents, no record count. */
export type ReportMetrics = {
  [K in Exclude<keyof Metrics, "records"> as ReportKey<K>]: K extends "costMicros"
    ? Cents
    : Metrics[K];
};

/**
 * Metrics in report units (a report's totals, an actor's row). One literal, not built from the
 * table in a loop: that made a dictionary-mode object per actor, and reports of thousands of
 * actors spent a third of their time here (docs/PERFORMANCE.md). test/usage/metrics.test.ts
 * checks it against the table.
 */
export function inReportUnits(m: Metrics): ReportMetrics {
  return {
    costCents: microsToCents(m.costMicros),
    sessions: m.sessions,
    linesAdded: m.linesAdded,
    linesRemoved: m.linesRemoved,
    commits: m.commits,
    pullRequests: m.pullRequests,
    toolAccepted: m.toolAccepted,
    toolRejected: m.toolRejected,
    tokens: { ...m.tokens },
  };
}

/** A metric's value in a report's objects (money in cents; records are not kept there). */
export function reportValue(
  holder: ReportMetrics & { activeDays?: number },
  metric: Metric,
): number {
  if ("token" in metric) return holder.tokens[metric.token];
  if (metric.key === "records") return 0;
  return holder[reportKey(metric.key)] ?? 0;
}

export const emptyTokens = (): TokenCounts => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheCreation: 0,
});

/** Zeros for every total, in column order (one shape for all totals objects). */
export function emptyMetrics(): Metrics {
  const out: Partial<Record<Field, number>> & { tokens?: TokenCounts } = {};
  for (const m of TOTAL_METRICS) {
    if ("token" in m) out.tokens ??= emptyTokens();
    else out[m.key] = 0;
  }
  return out as Metrics;
}

/** `into += from`, metric by metric (not a hot path: once per day part or period). */
export function addMetrics(into: Metrics, from: Metrics): void {
  for (const m of TOTAL_METRICS) {
    if ("token" in m) into.tokens[m.token] += from.tokens[m.token];
    else if (m.key === "costMicros") into.costMicros = addMicros(into.costMicros, from.costMicros);
    else if (m.key !== "activeDays") into[m.key] += from[m.key];
  }
}

export function addTokens(into: TokenCounts, from: TokenCounts): void {
  addTokenValues(into, from.input, from.output, from.cacheRead, from.cacheCreation);
}

export function addTokenValues(
  into: TokenCounts,
  input: number,
  output: number,
  cacheRead: number,
  cacheCreation: number,
): void {
  into.input += input;
  into.output += output;
  into.cacheRead += cacheRead;
  into.cacheCreation += cacheCreation;
}
