import type { UsageLoader } from "../loading/usage-loader.js";
import { type ExportFile, exportComment, renderExport } from "../render/export.js";
import { actorDays } from "../usage/actor-days.js";
import { mergeCompact } from "../usage/compact.js";
import type { Period } from "../usage/periods.js";
import { buildReport } from "../usage/report.js";

/** The export of a period: its day parts fetched once, for both the detail and the summary. */
export async function loadExport(
  loader: Pick<UsageLoader, "loadDayParts">,
  period: Period,
  options: { now?: Date; signal?: AbortSignal } = {},
): Promise<{ files: ExportFile[]; comment: string }> {
  const parts = await loader.loadDayParts(period.days, options.signal);
  const report = buildReport({ period, current: mergeCompact(parts), generatedAt: options.now });
  return { files: renderExport(report, actorDays(parts)), comment: exportComment(report) };
}
