import type { UsageLoader } from "../loading/usage-loader.js";
import { type UsualDay, usualDays, usualWindow } from "../usage/usual-day.js";

/**
 * People's usual days before `firstDay` (the four weeks before it), through the loader's day
 * cache: one load of the window, however many people (the morning DMs) are asked for.
 */
export async function usualDaysBefore(
  loader: Pick<UsageLoader, "loadDayParts">,
  firstDay: string,
  only?: ReadonlySet<string>,
): Promise<Map<string, UsualDay>> {
  const parts = await loader.loadDayParts(usualWindow(firstDay).days);
  return usualDays(parts, { only });
}
