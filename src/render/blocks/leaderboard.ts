import type { KnownBlock } from "@slack/web-api";
import {
  type ActorRow,
  type LeaderboardMetric,
  leaderboard,
  type UsageReport,
} from "../../usage/report.js";
import { formatCompact, formatInt, formatPercent, formatUsd, modelLabel } from "../format.js";
import { capBlocks, escapeMrkdwn, packLines, type SlackMessage } from "./limits.js";
import { actorMrkdwn, detailFields, type ReportRenderOptions, reportTitle } from "./org-report.js";
import { MAX_TABLE_ROWS, mrkdwnCell, tableBlock, textCell } from "./table.js";

/* `/claude-usage top <metric>` and `/claude-usage models`: longer lists than the report shows. */

/** Column headers of a leaderboard's table. */
const COLUMN: Record<LeaderboardMetric, string> = {
  cost: "Spend",
  sessions: "Sessions",
  lines: "Lines added",
  commits: "Commits",
  prs: "PRs",
};

const METRIC_LABEL: Record<LeaderboardMetric, string> = {
  cost: "estimated spend",
  sessions: "sessions",
  lines: "lines added",
  commits: "commits",
  prs: "pull requests",
};

function value(metric: LeaderboardMetric, actor: ActorRow): string {
  switch (metric) {
    case "cost":
      return formatUsd(actor.costCents);
    case "sessions":
      return `${formatInt(actor.sessions)} sessions`;
    case "lines":
      return `${formatCompact(actor.linesAdded)} lines`;
    case "commits":
      return `${formatInt(actor.commits)} commits`;
    case "prs":
      return `${formatInt(actor.pullRequests)} PRs`;
  }
}

export function renderLeaderboard(
  report: UsageReport,
  metric: LeaderboardMetric,
  options: ReportRenderOptions,
): SlackMessage {
  const top = options.top ?? 25;
  const ranked = leaderboard(report.actors, metric);
  const title = `Top by ${METRIC_LABEL[metric]} · ${reportTitle(report, options.now).replace(/^Claude Code · /, "")}`;
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: title.slice(0, 150) } },
  ];
  if (ranked.length === 0) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: `Nobody has any ${METRIC_LABEL[metric]} in this period.` },
    });
  } else if (options.tables) {
    const shown = ranked.slice(0, Math.min(top, MAX_TABLE_ROWS - 1));
    const extra: { header: string; cell: (a: ActorRow) => string }[] =
      metric === "cost"
        ? [{ header: "Sessions", cell: (a) => formatInt(a.sessions) }]
        : [
            { header: COLUMN[metric], cell: (a) => value(metric, a).replace(/ \D+$/, "") },
            { header: "Spend", cell: (a) => formatUsd(a.costCents) },
          ];
    const columns = [
      { header: "Person or API key", wrap: true },
      ...(metric === "cost" ? [{ header: "Spend", align: "right" as const }] : []),
      ...extra.map((e) => ({ header: e.header, align: "right" as const })),
    ];
    blocks.push(
      tableBlock(
        columns,
        shown.map((actor, i) => [
          mrkdwnCell(`${i + 1}. ${actorMrkdwn(actor, options.names)}`),
          ...(metric === "cost" ? [textCell(formatUsd(actor.costCents))] : []),
          ...extra.map((e) => textCell(e.cell(actor))),
        ]),
      ),
    );
    if (ranked.length > shown.length) {
      blocks.push({
        type: "context",
        elements: [
          { type: "mrkdwn", text: `…and ${formatInt(ranked.length - shown.length)} more` },
        ],
      });
    }
  } else {
    const lines = ranked
      .slice(0, top)
      .map((actor, i) => `${i + 1}. ${actorMrkdwn(actor, options.names)}  ${value(metric, actor)}`);
    if (ranked.length > top) lines.push(`…and ${formatInt(ranked.length - top)} more`);
    for (const text of packLines(lines))
      blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  }
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: "Costs are estimates from Anthropic." }],
  });
  addShare(blocks, ranked.length > 0 ? options.share : undefined);
  return {
    text: `Claude Code: top ${Math.min(top, ranked.length)} by ${METRIC_LABEL[metric]}`,
    blocks: capBlocks(blocks),
  };
}

export function renderModels(report: UsageReport, options: ReportRenderOptions): SlackMessage {
  const title = `Models · ${reportTitle(report, options.now).replace(/^Claude Code · /, "")}`;
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: title.slice(0, 150) } },
  ];
  if (report.models.length === 0) {
    blocks.push({
      type: "section",
      text: { type: "mrkdwn", text: "No model usage in this period." },
    });
  } else {
    // The totals that the org report leaves out, for those who came looking for them.
    blocks.push({
      type: "section",
      fields: detailFields(report).map((text) => ({ type: "mrkdwn", text })),
    });
    if (options.tables) {
      blocks.push(
        tableBlock(
          [
            { header: "Model" },
            { header: "Spend", align: "right" },
            { header: "Share", align: "right" },
            { header: "Tokens", align: "right" },
          ],
          report.models.map((m) => [
            textCell(modelLabel(m.model)),
            textCell(formatUsd(m.costCents)),
            textCell(formatPercent(m.share)),
            textCell(formatCompact(m.tokens.input + m.tokens.output)),
          ]),
        ),
      );
    } else {
      const lines = report.models.map((m) => {
        const t = m.tokens;
        return `*${escapeMrkdwn(modelLabel(m.model))}*  ${formatUsd(m.costCents)} (${formatPercent(m.share)}) · in ${formatCompact(t.input)} · out ${formatCompact(t.output)} · cache read ${formatCompact(t.cacheRead)} · cache write ${formatCompact(t.cacheCreation)}`;
      });
      for (const text of packLines(lines))
        blocks.push({ type: "section", text: { type: "mrkdwn", text } });
    }
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: options.tables
          ? "Costs are estimates from Anthropic. Tokens by model: input and output; cache reads and writes are in the totals above."
          : "Costs are estimates from Anthropic. Tokens: input, output, cache reads, cache writes.",
      },
    ],
  });
  addShare(blocks, report.models.length > 0 ? options.share : undefined);
  return { text: `Claude Code models: ${report.models.length} in use`, blocks: capBlocks(blocks) };
}

function addShare(blocks: KnownBlock[], share: ReportRenderOptions["share"]) {
  if (!share) return;
  blocks.push({
    type: "actions",
    block_id: "report_actions",
    elements: [
      {
        type: "button",
        action_id: "share_report",
        text: { type: "plain_text", text: "Share in channel" },
        value: share.value,
      },
    ],
  });
}
