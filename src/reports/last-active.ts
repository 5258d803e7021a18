import type { UsageLoader } from "../loading/usage-loader.js";
import { lastActiveDay } from "../usage/last-active.js";
import { shiftDay } from "../usage/periods.js";

/** How far back `me` looks for a person's last active day. */
export const LOOKBACK_DAYS = 90;
/** Days loaded at a time, newest first: most people are found in the first batch. */
const BATCH_DAYS = 30;

/**
 * The last day before `before` (a UTC day) on which the actor was active, looking back at most
 * `lookbackDays`; null when there is none. Cheap on a warm day cache; cold, a batch at a time.
 */
export async function findLastActiveDay(
  loader: Pick<UsageLoader, "loadDayParts">,
  actorKey: string,
  before: string,
  lookbackDays = LOOKBACK_DAYS,
): Promise<string | null> {
  for (let end = 1; end <= lookbackDays; end += BATCH_DAYS) {
    const days: string[] = [];
    for (let back = end; back < Math.min(end + BATCH_DAYS, lookbackDays + 1); back++) {
      days.push(shiftDay(before, -back));
    }
    const found = lastActiveDay(await loader.loadDayParts(days), actorKey);
    if (found) return found;
  }
  return null;
}
