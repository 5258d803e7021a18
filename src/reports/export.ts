import type { UsageLoader } from "../loading/usage-loader.js";
import { type ExportFile, exportComment, renderExport } from "../render/export.js";
import type { NameOf } from "../render/people.js";
import { actorDays } from "../usage/actor-days.js";
import { mergeCompact } from "../usage/compact.js";
import type { Period } from "../usage/periods.js";
import { type ActorRow, buildReport } from "../usage/report.js";

export interface ExportOptions {
  now?: Date;
  signal?: AbortSignal;
  /** People's names for the files' name column, looked up for the period's actors (in Slack). */
  names?: ((actors: readonly ActorRow[]) => Promise<NameOf>) | undefined;
}

/** The export of a period: its day parts fetched once, for both the detail and the summary. */
export async function loadExport(
  loader: Pick<UsageLoader, "loadDayParts">,
  period: Period,
  options: ExportOptions = {},
): Promise<{ files: ExportFile[]; comment: string }> {
  const parts = await loader.loadDayParts(period.days, options.signal);
  const report = buildReport({ period, current: mergeCompact(parts), generatedAt: options.now });
  const names = await options.names?.(report.actors);
  return { files: renderExport(report, actorDays(parts), names), comment: exportComment(report) };
}
