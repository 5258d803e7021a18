import type { BudgetStatus, Spike } from "../../usage/alerts.js";
import { formatDay, formatPercent, formatUsd } from "../format.js";
import { clip, type SlackMessage } from "./limits.js";

/* Alerts say who, how much, and compared to what. */

export function renderBudgetAlert(
  status: BudgetStatus,
  threshold: number,
  now: Date,
): SlackMessage {
  const share = status.budgetCents > 0 ? status.spentCents / status.budgetCents : 0;
  const daysLeft = status.daysInMonth - status.daysElapsed;
  const headline =
    threshold >= 100
      ? `🚨 Claude Code spend is over this month's budget: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)} (${formatPercent(share)}).`
      : `💸 Claude Code spend has passed ${threshold}% of this month's budget: *${formatUsd(status.spentCents)}* of ${formatUsd(status.budgetCents)}.`;
  const pace = `On pace for ${formatUsd(status.projectedCents)} by the end of the month · ${daysLeft} day${daysLeft === 1 ? "" : "s"} left · month to date through ${formatDay(`${status.month}-${String(status.daysElapsed).padStart(2, "0")}`, now)}`;
  return {
    text: `Claude Code budget: ${formatPercent(share)} of ${formatUsd(status.budgetCents)} used (${status.month})`,
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
  who: string,
  trailingDays: number,
  now: Date,
): SlackMessage {
  const compared =
    spike.medianCents > 0
      ? `${spike.factor.toFixed(1)}× the median of the ${trailingDays} days before (${formatUsd(spike.medianCents)})`
      : `with no spend on most of the ${trailingDays} days before`;
  const text = `📈 Spend spike on ${formatDay(day, now)}: ${who} spent *${formatUsd(spike.costCents)}*, ${compared}.`;
  return {
    text: `Claude Code spend spike: ${spike.key === "org" ? "the org" : spike.name} ${formatUsd(spike.costCents)} on ${day}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, 3000) } }],
  };
}
