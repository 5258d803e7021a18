import type { UsageLoader } from "../loading/usage-loader.js";
import type { UsageAggregate } from "../usage/aggregate.js";
import { type Spike, type SpikeRule, spikeOf } from "../usage/alerts.js";
import { microsToCents, NO_MICROS } from "../usage/money.js";
import { shiftDay } from "../usage/periods.js";

export interface Spikes {
  /** The org's ("org") and each actor's spike, the org first. */
  spikes: Spike[];
  /** The day looked at, for the actors' names and types. */
  day: UsageAggregate | undefined;
}

/** A day's spend against the median of the `trailingDays` before it, for the org and each actor. */
export async function findSpikes(
  loader: Pick<UsageLoader, "loadDays">,
  day: string,
  rule: SpikeRule & { trailingDays: number },
): Promise<Spikes> {
  const days = Array.from({ length: rule.trailingDays + 1 }, (_, i) => shiftDay(day, -i));
  const [target, ...trailing] = await Promise.all(days.map((d) => loader.loadDays([d])));
  if (!target) return { spikes: [], day: undefined };
  const spikes: Spike[] = [];
  const org = spikeOf(
    "org",
    "the org",
    microsToCents(target.totals.costMicros),
    trailing.map((d) => microsToCents(d.totals.costMicros)),
    rule,
  );
  if (org) spikes.push(org);
  for (const actor of target.actors.values()) {
    const history = trailing.map((d) =>
      microsToCents(d.actors.get(actor.key)?.costMicros ?? NO_MICROS),
    );
    const spike = spikeOf(actor.key, actor.name, microsToCents(actor.costMicros), history, rule);
    if (spike) spikes.push(spike);
  }
  return { spikes, day: target };
}
