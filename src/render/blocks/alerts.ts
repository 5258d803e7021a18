import type { KnownBlock } from "@slack/web-api";
import { type BudgetStatus, budgetShare, type Spike } from "../../usage/alerts.js";
import {
  formatDay,
  formatInt,
  formatMonthName,
  formatPercent,
  formatUsd,
  formatUsdShort,
} from "../format.js";
import { capBlocks, clip, packLines, type SlackMessage } from "./limits.js";

/*
 * The morning's alerts as one message: the org's budget first (what a manager plans with), then
 * the teams over or near theirs, then the people over or near their own budget, then the spend spikes in one line, their details in
 * the thread. People by name in plain text: a channel post never pings.
 */

/** How an alert names someone: mrkdwn for the message, a short name for the notification. */
export interface AlertWho {
  mrkdwn: string;
  /** Never an email (lock screens show it). */
  short: string;
  apiKey: boolean;
}

export interface MorningAlerts {
  /** The day looked at (YYYY-MM-DD): yesterday. */
  day: string;
  /** The org's month against BUDGET_MONTHLY_USD, when one is set. */
  orgBudget?: BudgetStatus | undefined;
  /** Teams at 80 % or more of their TEAM_BUDGETS budget, most over first. */
  teams?: readonly { name: string; status: BudgetStatus }[] | undefined;
  /** People (and keys) at 80 % or more of their own budget, most over first. */
  people: readonly { who: AlertWho; status: BudgetStatus }[];
  /** Newsworthy spikes, largest first; the org's own has the key "org". */
  spikes: readonly { who: AlertWho; spike: Spike }[];
  /** How many days "usual" is the median of. */
  trailingDays: number;
}

/** People listed in the message itself; the rest are counted. */
const PEOPLE_SHOWN = 8;

export function renderMorningAlerts(alerts: MorningAlerts, now: Date): SlackMessage {
  const blocks: KnownBlock[] = [section(`*Claude Code alerts · ${formatDay(alerts.day, now)}*`)];
  const notify: string[] = [];

  if (alerts.orgBudget) {
    const line = orgBudgetLine(alerts.orgBudget);
    blocks.push(section(line.mrkdwn));
    notify.push(line.short);
  }

  const teams = alerts.teams ?? [];
  if (teams.length > 0) {
    const lines = teams.map(teamBudgetLine);
    blocks.push(...packLines(["*Teams*", ...lines.map((l) => l.mrkdwn)]).map(section));
    notify.push(lines.map((l) => l.short).join(", "));
  }

  if (alerts.people.length > 0) {
    const over = alerts.people.filter((p) => budgetShare(p.status) >= 1).length;
    const near = alerts.people.length - over;
    const heading = [
      over > 0 ? `${counted(over, "person", "people")} over` : "",
      near > 0 ? `${counted(near, "person", "people")} near` : "",
    ]
      .filter(Boolean)
      .join(", ");
    const lines = alerts.people.slice(0, PEOPLE_SHOWN).map(({ who, status }) => {
      const mark = budgetShare(status) >= 1 ? "🚨" : "•";
      return `${mark} ${clip(who.mrkdwn, 200)}  ${formatUsdShort(status.spentCents)} of ${formatUsdShort(status.budgetCents)} (${formatPercent(budgetShare(status))})`;
    });
    const more = alerts.people.length - PEOPLE_SHOWN;
    if (more > 0) lines.push(`…and ${formatInt(more)} more`);
    blocks.push(
      ...packLines([`*Budgets: ${heading} their own monthly budget*`, ...lines]).map(section),
    );
    notify.push(`${heading} their budget`);
  }

  if (alerts.spikes.length > 0) {
    const line = spikesLine(alerts.spikes);
    blocks.push(section(line.mrkdwn));
    notify.push(line.short);
  }

  const through = alerts.orgBudget ?? teams[0]?.status ?? alerts.people[0]?.status;
  const context = [
    through ? `Month to date through ${formatDay(throughDay(through), now)}` : "",
    alerts.spikes.length > 0
      ? `usual = median of the ${alerts.trailingDays} days before, quiet days included`
      : "",
    "costs are estimates from Anthropic",
  ].filter(Boolean);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: context.join(" · ") }] });

  return {
    text: clip(`Claude Code alerts: ${notify.join(" · ")}`, 300),
    blocks: capBlocks(blocks),
  };
}

/** One spike, for the roll-up's thread. */
export function renderSpikeDetail(
  spike: Spike,
  who: AlertWho,
  day: string,
  trailingDays: number,
  now: Date,
): SlackMessage {
  const whose = spike.key === "org" ? "the org's" : who.apiKey ? "its" : "their";
  const compared =
    spike.medianCents > 0
      ? `${factor(spike)} ${whose} usual day (${formatUsd(spike.medianCents)}, the median of the ${trailingDays} days before)`
      : `with no spend on most of the ${trailingDays} days before`;
  return {
    text: clip(
      `Spend spike: ${who.short} ${formatUsd(spike.costCents)} on ${formatDay(day, now)}`,
      300,
    ),
    blocks: [
      section(
        clip(
          `📈 ${who.mrkdwn} spent *${formatUsd(spike.costCents)}* on ${formatDay(day, now)}, ${compared}.`,
          3000,
        ),
      ),
    ],
  };
}

/** "✅ On track: November so far $9,210 of $20,000 (46%) · on pace for $12,400" (whole dollars). */
function orgBudgetLine(status: BudgetStatus): { mrkdwn: string; short: string } {
  const share = budgetShare(status);
  const pace = status.projectedCents / status.budgetCents;
  const closed = status.daysElapsed >= status.daysInMonth;
  const month = formatMonthName(status.month);
  const where = `${formatUsdShort(status.spentCents)} of ${formatUsdShort(status.budgetCents)} (${formatPercent(share)})`;
  if (closed) {
    const verdict = share > 1 ? "🚨 *Over budget*" : "✅ *Within budget*";
    return {
      mrkdwn: `${verdict}: ${month} closed at ${where}`,
      short: `${month} closed at ${formatPercent(share)} of the budget`,
    };
  }
  const onPace = ` · on pace for ${formatUsdShort(status.projectedCents)}`;
  const [verdict, short] =
    share >= 1
      ? ["🚨 *Over budget*", "over budget"]
      : share >= 0.8
        ? ["💸 *Near budget*", `${formatPercent(share)} of the budget`]
        : pace > 1
          ? ["⚠️ *On pace to go over*", "on pace to go over budget"]
          : ["✅ *On track*", "org budget on track"];
  return { mrkdwn: `${verdict}: ${month} so far ${where}${onPace}`, short };
}

/**
 * "🚨 *Backend* is over its budget: November so far $5,400 of $5,000 (108%) · on pace for $7,900",
 * or "💸 *Platform* is near its budget: …"; the team's name in plain words, never a mention.
 */
function teamBudgetLine({ name, status }: { name: string; status: BudgetStatus }): {
  mrkdwn: string;
  short: string;
} {
  const share = budgetShare(status);
  const over = share >= 1;
  const closed = status.daysElapsed >= status.daysInMonth;
  const month = formatMonthName(status.month);
  const where = `${formatUsdShort(status.spentCents)} of ${formatUsdShort(status.budgetCents)} (${formatPercent(share)})`;
  const team = clip(name, 80);
  const verdict = over ? `🚨 *${team}* is over its budget` : `💸 *${team}* is near its budget`;
  const when = closed
    ? `${month} closed at ${where}`
    : `${month} so far ${where} · on pace for ${formatUsdShort(status.projectedCents)}`;
  return {
    mrkdwn: `${verdict}: ${when}`,
    short: over ? `${team} over its budget` : `${team} at ${formatPercent(share)} of its budget`,
  };
}

/** "📈 8 spend spikes, largest Ada $36.87, 4.6× usual · details in the thread". */
function spikesLine(spikes: readonly { who: AlertWho; spike: Spike }[]): {
  mrkdwn: string;
  short: string;
} {
  const org = spikes.find((s) => s.spike.key === "org");
  const people = spikes.filter((s) => s.spike.key !== "org");
  const parts: string[] = [];
  const short: string[] = [];
  if (org) {
    parts.push(`The org spent *${formatUsd(org.spike.costCents)}*, ${usual(org.spike)}`);
    short.push(`org spend ${factor(org.spike)} usual`);
  }
  const [largest] = people;
  if (largest && people.length === 1) {
    parts.push(
      `${largest.who.mrkdwn} spent *${formatUsd(largest.spike.costCents)}*, ${usual(largest.spike)}`,
    );
    short.push(`spend spike: ${largest.who.short} ${formatUsd(largest.spike.costCents)}`);
  } else if (largest) {
    parts.push(
      `*${formatInt(people.length)} spend spikes*, largest ${largest.who.mrkdwn} ${formatUsd(largest.spike.costCents)}, ${usual(largest.spike)}`,
    );
    short.push(
      `${formatInt(people.length)} spend spikes, largest ${largest.who.short} ${formatUsd(largest.spike.costCents)}`,
    );
  }
  const details = spikes.length > 1 ? " · details in the thread" : "";
  const lead = org && people.length === 0 ? "Spend spike: " : "";
  return {
    mrkdwn: clip(`📈 ${lead}${parts.join("; ")}${details}`, 3000),
    short: short.join(", "),
  };
}

/** "4.6× usual", or "with no usual spend" for someone whose usual day is nothing. */
function usual(spike: Spike): string {
  return spike.medianCents > 0 ? `${factor(spike)} usual` : "with no usual spend";
}

function factor(spike: Spike): string {
  return `${spike.factor.toFixed(1)}×`;
}

function throughDay(status: BudgetStatus): string {
  return `${status.month}-${String(status.daysElapsed).padStart(2, "0")}`;
}

/** "3 people", "1 person". */
function counted(n: number, one: string, many: string): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}

function section(text: string): KnownBlock {
  return { type: "section", text: { type: "mrkdwn", text } };
}
