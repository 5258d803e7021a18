import type { CompactAggregate } from "./compact.js";
import { COLUMN, WIDTH } from "./metrics.js";

/*
 * The last day an actor used Claude Code, read from day parts: for "no activity for you
 * yesterday — your last day was Fri 13 Nov". Pure.
 */

/** The latest day among `parts` on which `actorKey` had a session or a cost, if any. */
export function lastActiveDay(
  parts: readonly CompactAggregate[],
  actorKey: string,
): string | undefined {
  let latest: string | undefined;
  for (const part of parts) {
    const day = part.days[part.days.length - 1];
    if (day === undefined || (latest !== undefined && day <= latest)) continue;
    const i = part.actors.keys.indexOf(actorKey);
    if (i < 0) continue;
    const cost = part.actors.data[i * WIDTH + COLUMN.costMicros] ?? 0;
    const sessions = part.actors.data[i * WIDTH + COLUMN.sessions] ?? 0;
    if (cost > 0 || sessions > 0) latest = day;
  }
  return latest;
}
