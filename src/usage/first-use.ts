import type { UsageAggregate } from "./aggregate.js";
import { ACTOR_TYPES, type CompactAggregate } from "./compact.js";
import type { Period } from "./periods.js";

/*
 * Adoption as people mean it: someone is *new* in the period that holds the first day they appear
 * in the data the bot has, not because they were absent from the period before (a person back
 * from holiday is not new). API keys are not adoption: people only.
 */

/** The people (user actors' keys) active on a day part: what the first-seen record is fed. */
export function peopleOfDay(part: CompactAggregate): string[] {
  const { keys, types } = part.actors;
  const people: string[] = [];
  for (let row = 0; row < keys.length; row++) {
    if (ACTOR_TYPES[types[row] ?? 2] === "user") people.push(keys[row] as string);
  }
  return people;
}

/**
 * The names of the people whose first day falls in the period, by cost, then name. `firstDays`
 * maps an actor key to its first day; people missing from it are not called new (nothing says
 * they are).
 */
export function newPeople(
  current: UsageAggregate,
  period: Pick<Period, "from" | "to">,
  firstDays: ReadonlyMap<string, string>,
): string[] {
  return [...current.actors.values()]
    .filter((a) => {
      const first = firstDays.get(a.key);
      return a.type === "user" && first !== undefined && first >= period.from && first <= period.to;
    })
    .sort((a, b) => b.costMicros - a.costMicros || a.name.localeCompare(b.name))
    .map((a) => a.name);
}

/** People active in the previous period and not in this one, by their previous cost. */
export function stoppedPeople(current: UsageAggregate, previous: UsageAggregate): string[] {
  return [...previous.actors.values()]
    .filter((a) => a.type === "user" && !current.actors.has(a.key))
    .sort((a, b) => b.costMicros - a.costMicros || a.name.localeCompare(b.name))
    .map((a) => a.name);
}
