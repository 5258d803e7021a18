import type { KnownBlock } from "@slack/web-api";
import type { Cents } from "../../usage/money.js";
import type { Period } from "../../usage/periods.js";
import type { Change } from "../../usage/report.js";
import { type TeamRow, UNASSIGNED } from "../../usage/teams.js";
import { formatInt, formatPctChange, formatPeriodDates, formatUsdShort } from "../format.js";
import { clip, escapeMrkdwn, MAX_HEADER_TEXT, packLines, type SlackMessage } from "./limits.js";
import { MAX_TABLE_ROWS, tableBlock, textCell } from "./table.js";

/*
 * Teams side by side: spend, active of members, spend per active person, PRs, change against the
 * baseline. A Slack table in messages (`tables`), a mrkdwn list everywhere else.
 */

export interface TeamsView {
  period: Period;
  baseline: Period | null;
  rows: readonly TeamRow[];
}

export interface TeamsRenderOptions {
  now: Date;
  tables?: boolean | undefined;
}

/** "Claude Code by team · last 30 days · Thu 5 Nov – Fri 4 Dec". */
export function teamsTitle(period: Period, now: Date): string {
  const named = period.days.length > 1 && !/^\d/.test(period.name) ? `${period.name} · ` : "";
  return clip(`Claude Code by team · ${named}${formatPeriodDates(period, now)}`, MAX_HEADER_TEXT);
}

function change(row: TeamRow): Change | null {
  if (row.previousCostCents === null) return null;
  const abs = row.costCents - row.previousCostCents;
  return {
    current: row.costCents,
    previous: row.previousCostCents,
    abs,
    pct: row.previousCostCents === 0 ? null : (abs / row.previousCostCents) * 100,
  };
}

const usd = (cents: number) => formatUsdShort(cents as Cents);
const perPerson = (row: TeamRow) =>
  row.costPerActiveCents === null ? "–" : usd(row.costPerActiveCents);

export function renderTeams(view: TeamsView, options: TeamsRenderOptions): SlackMessage {
  const { now } = options;
  const blocks: KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: teamsTitle(view.period, now) } },
  ];
  const rows = view.rows;
  const teams = rows.filter((r) => r.name !== UNASSIGNED);
  if (teams.length === 0) {
    const text = "No teams yet: the team sources configured have no members.";
    blocks.push({ type: "section", text: { type: "mrkdwn", text } });
    return { text, blocks };
  }
  const vs = view.baseline ? `Change vs ${formatPeriodDates(view.baseline, now)}. ` : "";
  if (options.tables) {
    const shown = rows.slice(0, MAX_TABLE_ROWS - 1);
    blocks.push(
      tableBlock(
        [
          { header: "Team", wrap: true },
          { header: "Spend", align: "right" },
          { header: "Change", align: "right" },
          { header: "Active", align: "right" },
          { header: "Per person", align: "right" },
          { header: "PRs", align: "right" },
        ],
        // What a phone shows without scrolling first: who, how much, which way.
        shown.map((row) => [
          textCell(row.name),
          textCell(usd(row.costCents)),
          textCell(formatPctChange(change(row)) || "–"),
          textCell(`${formatInt(row.active)} of ${formatInt(row.members)}`),
          textCell(perPerson(row)),
          textCell(formatInt(row.pullRequests)),
        ]),
      ),
    );
  } else {
    const lines = rows.map((row) => {
      const moved = formatPctChange(change(row));
      return [
        `*${escapeMrkdwn(row.name)}* — *${usd(row.costCents)}*`,
        `${formatInt(row.active)} of ${formatInt(row.members)} active`,
        ...(row.costPerActiveCents === null ? [] : [`${perPerson(row)}/person`]),
        `${formatInt(row.pullRequests)} PR${row.pullRequests === 1 ? "" : "s"}`,
        ...(moved ? [moved] : []),
      ].join(" · ");
    });
    for (const text of packLines(lines))
      blocks.push({ type: "section", text: { type: "mrkdwn", text } });
  }
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: `${vs}Active of members; spend per active person. People in several teams count in each; ${UNASSIGNED}: active people in no team.`,
      },
    ],
  });
  const top = teams
    .slice(0, 3)
    .map((r) => `${r.name} ${usd(r.costCents)}`)
    .join(", ");
  return { text: clip(`${teamsTitle(view.period, now)}: ${top}`, 3000), blocks };
}

/** How to add teams, in one line: the answer to a team command when none are configured. */
export function renderNoTeams(): SlackMessage {
  const text =
    "No teams are set up yet: an admin can add them with TEAMS_FILE (a CSV of `email,team`) or TEAMS_FROM_USERGROUPS (Slack user groups).";
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}

/** An unknown team: the ones it was probably meant to be, as commands to copy, or the known ones. */
export function renderNoSuchTeam(
  query: string,
  options: {
    closest: readonly string[];
    known: readonly string[];
    command: string;
    period?: string;
  },
): SlackMessage {
  const after = options.period ? ` ${options.period}` : "";
  const asked = `I don't know a team "${escapeMrkdwn(query)}".`;
  const text =
    options.closest.length > 0
      ? `${asked} Did you mean ${options.closest
          .map((name) => `\`${options.command} team ${escapeMrkdwn(name)}${after}\``)
          .join(" or ")}?`
      : options.known.length > 0
        ? `${asked} Teams: ${options.known.map(escapeMrkdwn).join(", ")}.`
        : asked;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, 3000) } }] };
}
