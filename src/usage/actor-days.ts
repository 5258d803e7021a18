import type { CompactAggregate } from "./compact.js";
import { mergeCompact } from "./compact.js";
import { periodBetween } from "./periods.js";
import { type ActorRow, buildReport } from "./report.js";

/*
 * Per actor and per day, for exports: the day parts the loader keeps, read one at a time (so an
 * export of 90 days holds one day's rows, not all of them), as the same rows a report has.
 */

export interface ActorDay {
  day: string;
  /** By cost, then sessions, then name — as in a report. */
  actors: ActorRow[];
}

export function* actorDays(parts: readonly CompactAggregate[]): Generator<ActorDay> {
  const ordered = [...parts].sort((a, b) => ((a.days[0] ?? "") < (b.days[0] ?? "") ? -1 : 1));
  for (const part of ordered) {
    const day = part.days[0];
    if (day === undefined) continue;
    const report = buildReport({ period: periodBetween(day, day), current: mergeCompact([part]) });
    yield { day, actors: report.actors };
  }
}
