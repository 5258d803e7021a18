import type { UsageLoader } from "../loading/usage-loader.js";
import type { UsageAggregate } from "../usage/aggregate.js";
import { median, type Spike, type SpikeRule, spikeOf } from "../usage/alerts.js";
import { microsToCents, NO_MICROS } from "../usage/money.js";
import { shiftDay } from "../usage/periods.js";

/**
 * A person's spike is news only if it is also large for the org: at least this share of the
 * org's usual day (as well as the fixed floor). A $28 day over a $0.24 median is 117× usual,
 * but at a $2,000-a-day org it is 1.4 % of a day: not worth a manager's morning.
 */
export const SPIKE_ORG_SHARE = 0.05;

export interface SpikeSizeRule extends SpikeRule {
  /** Share of the org's usual day a person's spike must reach (default SPIKE_ORG_SHARE). */
  orgShare?: number | undefined;
}

/** The smallest day of a person that can be a spike, at an org whose usual day is this. */
export function spikeBar(orgUsualCents: number, rule: SpikeSizeRule): number {
  return Math.max(rule.floorCents, (rule.orgShare ?? SPIKE_ORG_SHARE) * orgUsualCents);
}

/**
 * The spikes worth telling, largest first: the org's own (its ratio and the floor decide), and
 * each person's (or key's) whose day also reaches the bar for the org's size.
 */
export function newsworthySpikes(
  spikes: readonly Spike[],
  orgUsualCents: number,
  rule: SpikeSizeRule,
): Spike[] {
  const bar = spikeBar(orgUsualCents, rule);
  return spikes
    .filter((s) => s.key === "org" || s.costCents >= bar)
    .sort((a, b) => b.costCents - a.costCents || a.key.localeCompare(b.key));
}

export interface Spikes {
  /** The org's ("org") and each actor's newsworthy spike, largest first. */
  spikes: Spike[];
  /** The org's usual day: the median of its trailing days (cents). */
  orgUsualCents: number;
  /** The day looked at, for the actors' names and types. */
  day: UsageAggregate | undefined;
}

/** A day's spend against the median of the `trailingDays` before it, for the org and each actor. */
export async function findSpikes(
  loader: Pick<UsageLoader, "loadDays">,
  day: string,
  rule: SpikeSizeRule & { trailingDays: number },
): Promise<Spikes> {
  const days = Array.from({ length: rule.trailingDays + 1 }, (_, i) => shiftDay(day, -i));
  const [target, ...trailing] = await Promise.all(days.map((d) => loader.loadDays([d])));
  if (!target) return { spikes: [], orgUsualCents: 0, day: undefined };
  const spikes: Spike[] = [];
  const orgHistory = trailing.map((d) => microsToCents(d.totals.costMicros));
  const org = spikeOf("org", "the org", microsToCents(target.totals.costMicros), orgHistory, rule);
  if (org) spikes.push(org);
  for (const actor of target.actors.values()) {
    const history = trailing.map((d) =>
      microsToCents(d.actors.get(actor.key)?.costMicros ?? NO_MICROS),
    );
    const spike = spikeOf(actor.key, actor.name, microsToCents(actor.costMicros), history, rule);
    if (spike) spikes.push(spike);
  }
  const orgUsualCents = median(orgHistory);
  return { spikes: newsworthySpikes(spikes, orgUsualCents, rule), orgUsualCents, day: target };
}
