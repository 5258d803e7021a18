import { type BudgetStatus, budgetShare, type Spike } from "../../usage/alerts.js";
import { formatDay, formatInt, formatPercent, formatUsd } from "../format.js";
import { capBlocks, clip, packLines, type SlackMessage } from "./limits.js";

/* Alerts say who, how much, and compared to what. */

export function renderBudgetAlert(
  status: BudgetStatus,
  threshold: number,
  now: Date,
): SlackMessage {
  const share = budgetShare(status);
  const headline =
    threshold >= 100
      ? `🚨 Claude Code spend is over this month's budget: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)} (${formatPercent(share)}).`
      : `💸 Claude Code spend has passed ${threshold}% of this month's budget: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)}.`;
  return budgetMessage(
    `Claude Code budget: ${formatPercent(share)} of ${formatUsd(status.budgetCents)} used (${status.month})`,
    headline,
    status,
    now,
  );
}

/**
 * A person's (or an API key's) monthly budget. `who` is ready-made mrkdwn (a mention, an email or
 * an API key); `name` is the plain name for the notification text.
 */
export function renderPersonalBudgetAlert(
  status: BudgetStatus,
  threshold: number,
  who: { mrkdwn: string; name: string; apiKey: boolean },
  now: Date,
): SlackMessage {
  const share = budgetShare(status);
  // An absurdly long name must not push the numbers out of the section.
  who = { ...who, mrkdwn: clip(who.mrkdwn, 300), name: clip(who.name, 300) };
  const budget = who.apiKey ? "its monthly budget" : "their monthly budget";
  const headline =
    threshold >= 100
      ? `🚨 ${who.mrkdwn} is over ${budget} for Claude Code: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)} (${formatPercent(share)}).`
      : `💸 ${who.mrkdwn} has passed ${threshold}% of ${budget} for Claude Code: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)}.`;
  return budgetMessage(
    `Claude Code budget of ${who.name}: ${formatPercent(share)} of ${formatUsd(status.budgetCents)} used (${status.month})`,
    headline,
    status,
    now,
  );
}

export interface PersonOverBudget {
  status: BudgetStatus;
  /** Ready-made mrkdwn: a mention, an email or an API key. */
  who: string;
  apiKey: boolean;
}

/**
 * Several people over their budgets on one morning (say, when budgets are first set mid-month):
 * one message listing them, most over budget first, instead of one message each.
 */
export function renderPersonalBudgetsAlert(
  people: readonly PersonOverBudget[],
  now: Date,
): SlackMessage {
  const first = people[0]?.status;
  const over = people.filter((p) => p.status.crossed.includes(100)).length;
  const keys = people.filter((p) => p.apiKey).length;
  const who = [
    counted(people.length - keys, "person", "people"),
    counted(keys, "API key", "API keys"),
  ]
    .filter(Boolean)
    .join(" and ");
  const headline = `💸 ${who} reached 80% of their monthly Claude Code budget${over > 0 ? ` (${over} of them ${over === 1 ? "is" : "are"} over it)` : ""}:`;
  const lines = people.map(({ status, who }) => {
    const mark = status.crossed.includes(100) ? "🚨" : "•";
    return `${mark} ${clip(who, 300)}: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)} (${formatPercent(budgetShare(status))}) · on pace for ${formatUsd(status.projectedCents)}`;
  });
  const through = first
    ? `Month to date through ${formatDay(`${first.month}-${String(first.daysElapsed).padStart(2, "0")}`, now)} · `
    : "";
  return {
    text: `Claude Code budgets: ${who} at 80% or more (${first?.month ?? ""})`,
    blocks: capBlocks([
      { type: "section", text: { type: "mrkdwn", text: headline } },
      ...packLines(lines).map((chunk) => ({
        type: "section" as const,
        text: { type: "mrkdwn" as const, text: chunk },
      })),
      {
        type: "context",
        elements: [{ type: "mrkdwn", text: `${through}costs are estimates from Anthropic` }],
      },
    ]),
  };
}

/** "3 people", "1 API key", or "" for none. */
function counted(n: number, one: string, many: string): string {
  return n === 0 ? "" : `${formatInt(n)} ${n === 1 ? one : many}`;
}

/** The headline, then the pace to the end of the month. */
function budgetMessage(
  text: string,
  headline: string,
  status: BudgetStatus,
  now: Date,
): SlackMessage {
  const daysLeft = status.daysInMonth - status.daysElapsed;
  const pace = `On pace for ${formatUsd(status.projectedCents)} by the end of the month · ${daysLeft} day${daysLeft === 1 ? "" : "s"} left · month to date through ${formatDay(`${status.month}-${String(status.daysElapsed).padStart(2, "0")}`, now)}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: clip(headline, 3000) } },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: clip(`${pace} · costs are estimates from Anthropic`, 3000) },
        ],
      },
    ],
  };
}

export function renderSpikeAlert(
  spike: Spike,
  day: string,
  who: { mrkdwn: string; name: string },
  trailingDays: number,
  now: Date,
): SlackMessage {
  const compared =
    spike.medianCents > 0
      ? `${spike.factor.toFixed(1)}× the median of the ${trailingDays} days before (${formatUsd(spike.medianCents)})`
      : `with no spend on most of the ${trailingDays} days before`;
  const text = `📈 Spend spike on ${formatDay(day, now)}: ${who.mrkdwn} spent *${formatUsd(spike.costCents)}*, ${compared}.`;
  return {
    text: `Claude Code spend spike: ${who.name} ${formatUsd(spike.costCents)} on ${day}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, 3000) } }],
  };
}
