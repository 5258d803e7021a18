import {
  METRIC,
  METRICS,
  type Metric,
  type MetricKey,
  type ReportMetrics,
  reportValue,
  type TokenCounts,
} from "../usage/metrics.js";
import type { ReportTotals, UsageReport } from "../usage/report.js";

/*
 * The JSON report: a stable, snake_case public shape (documented in the README). Extra keys may
 * be added; the ones here are not renamed or removed.
 */

type Holder = ReportMetrics & { activeDays?: number };
type Spec<K extends MetricKey> = Extract<Metric, { key: K }>;
type Token = Extract<Metric, { token: string }>;
type TokensJson = { [M in Token as M["json"]]: number };
/** The JSON object of some metrics: each under its JSON name, tokens as one object. */
type MetricsJson<K extends MetricKey> = {
  [P in K as Spec<P> extends Token
    ? "tokens"
    : Exclude<Spec<P>["json"], null>]: Spec<P> extends Token ? TokensJson : number;
};

/** Metrics under their JSON names (metrics.ts), in the order given. */
function metricsJson<K extends MetricKey>(holder: Holder, keys: readonly K[]): MetricsJson<K> {
  const out: Record<string, number | TokensJson> = {};
  for (const key of keys) {
    const m: Metric = METRIC[key];
    if (m.json === null) continue;
    if ("token" in m) out.tokens ??= tokensJson(holder.tokens);
    else out[m.json] = reportValue(holder, m);
  }
  return out as MetricsJson<K>;
}

/** A metric's JSON name, for the series and breakdowns that hold a few of them. */
const name = <K extends Exclude<MetricKey, Token["key"] | "records">>(key: K) =>
  METRIC[key].json as Exclude<Spec<K>["json"], null>;

const TOKENS = METRICS.flatMap((m) => ("token" in m ? [m] : []));

const tokensJson = (t: TokenCounts): TokensJson => {
  const out: Record<string, number> = {};
  for (const m of TOKENS) out[m.json] = t[m.token];
  return out as TokensJson;
};

/** Every metric of an actor, in the table's order. */
const ACTOR_METRICS = METRICS.map((m) => m.key);
const TOKEN_KEYS = TOKENS.map((m) => m.key);

const totalsJson = (t: ReportTotals) => ({
  ...metricsJson(t, [
    "costMicros",
    "sessions",
    "linesAdded",
    "linesRemoved",
    "commits",
    "pullRequests",
  ]),
  active_users: t.activeUsers,
  active_api_keys: t.activeApiKeys,
  ...metricsJson(t, [...TOKEN_KEYS, "toolAccepted", "toolRejected"]),
  acceptance_rate: t.acceptanceRate,
});

export interface JsonOptions {
  /** The teams of an actor (by key), when teams are configured: each user gets `teams`. */
  teamsOf?: ((actorKey: string) => readonly string[]) | undefined;
}

export function reportToJson(report: UsageReport, options: JsonOptions = {}) {
  const { period, previousPeriod } = report;
  const { teamsOf } = options;
  return {
    period: { from: period.from, to: period.to, days: period.days.length, name: period.name },
    totals: totalsJson(report.totals),
    users: report.actors.map((a) => ({
      actor: a.name,
      actor_type: a.type,
      // Only when teams are configured: without them the shape is as it always was.
      ...(teamsOf ? { teams: [...teamsOf(a.key)] } : {}),
      ...metricsJson(a, ACTOR_METRICS),
      terminals: a.terminals,
      top_model: a.topModel,
    })),
    models: report.models.map((m) => ({
      model: m.model,
      [name("costMicros")]: m.costCents,
      share: m.share,
      tokens: tokensJson(m.tokens),
    })),
    terminals: report.terminals.map((t) => ({
      terminal: t.terminal,
      records: t.records,
      [name("sessions")]: t.sessions,
      [name("costMicros")]: t.costCents,
    })),
    tools: report.tools.map((t) => ({
      tool: t.tool,
      accepted: t.accepted,
      rejected: t.rejected,
      acceptance_rate: t.acceptanceRate,
    })),
    daily: report.daily.map((d) => ({
      day: d.day,
      [name("costMicros")]: d.costCents,
      [name("sessions")]: d.sessions,
      [name("linesAdded")]: d.linesAdded,
      [name("commits")]: d.commits,
      [name("pullRequests")]: d.pullRequests,
      active_users: d.activeUsers,
      active_api_keys: d.activeApiKeys,
    })),
    previous:
      report.previous && previousPeriod
        ? {
            period: {
              from: previousPeriod.from,
              to: previousPeriod.to,
              days: previousPeriod.days.length,
            },
            /** How the baseline was chosen: same_weekday, week, month or equal. */
            baseline: (report.baseline ?? "equal").replace(" ", "_"),
            totals: totalsJson(report.previous),
          }
        : null,
    adoption: report.adoption
      ? {
          // null: no first-seen record to tell who is new (not "no one").
          new_users: report.adoption.newKnown ? report.adoption.newUsers : null,
          stopped_users: report.adoption.stoppedUsers,
        }
      : null,
    invalid_records: report.invalidRecords,
    generated_at: report.generatedAt,
  };
}

export function renderJson(report: UsageReport, options: JsonOptions = {}): string {
  return `${JSON.stringify(reportToJson(report, options), null, 2)}\n`;
}
