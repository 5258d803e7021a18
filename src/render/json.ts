import type { TokenCounts } from "../usage/aggregate.js";
import type { ReportTotals, UsageReport } from "../usage/report.js";

/*
 * The JSON report: a stable, snake_case public shape (documented in the README). Extra keys may
 * be added; the ones here are not renamed or removed.
 */

const tokensJson = (t: TokenCounts) => ({
  input: t.input,
  output: t.output,
  cache_read: t.cacheRead,
  cache_creation: t.cacheCreation,
});

const totalsJson = (t: ReportTotals) => ({
  cost_cents: t.costCents,
  sessions: t.sessions,
  lines_added: t.linesAdded,
  lines_removed: t.linesRemoved,
  commits: t.commits,
  pull_requests: t.pullRequests,
  active_users: t.activeUsers,
  active_api_keys: t.activeApiKeys,
  tokens: tokensJson(t.tokens),
  tool_accepted: t.toolAccepted,
  tool_rejected: t.toolRejected,
  acceptance_rate: t.acceptanceRate,
});

export function reportToJson(report: UsageReport) {
  const { period, previousPeriod } = report;
  return {
    period: { from: period.from, to: period.to, days: period.days.length, name: period.name },
    totals: totalsJson(report.totals),
    users: report.actors.map((a) => ({
      actor: a.name,
      actor_type: a.type,
      cost_cents: a.costCents,
      sessions: a.sessions,
      lines_added: a.linesAdded,
      lines_removed: a.linesRemoved,
      commits: a.commits,
      pull_requests: a.pullRequests,
      tool_accepted: a.toolAccepted,
      tool_rejected: a.toolRejected,
      tokens: tokensJson(a.tokens),
      active_days: a.activeDays,
      terminals: a.terminals,
      top_model: a.topModel,
    })),
    models: report.models.map((m) => ({
      model: m.model,
      cost_cents: m.costCents,
      share: m.share,
      tokens: tokensJson(m.tokens),
    })),
    terminals: report.terminals.map((t) => ({
      terminal: t.terminal,
      records: t.records,
      sessions: t.sessions,
      cost_cents: t.costCents,
    })),
    tools: report.tools.map((t) => ({
      tool: t.tool,
      accepted: t.accepted,
      rejected: t.rejected,
      acceptance_rate: t.acceptanceRate,
    })),
    daily: report.daily.map((d) => ({
      day: d.day,
      cost_cents: d.costCents,
      sessions: d.sessions,
      lines_added: d.linesAdded,
      commits: d.commits,
      pull_requests: d.pullRequests,
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

export function renderJson(report: UsageReport): string {
  return `${JSON.stringify(reportToJson(report), null, 2)}\n`;
}
