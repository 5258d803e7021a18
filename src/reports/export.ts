import type { TeamsLoader } from "../loading/teams.js";
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
  options: { now?: Date; signal?: AbortSignal; teams?: TeamsLoader | undefined } = {},
): Promise<{ files: ExportFile[]; comment: string }> {
  const [parts, teams] = await Promise.all([
    loader.loadDayParts(period.days, options.signal),
    // A team column only when teams are configured.
    options.teams?.configured ? options.teams.teams() : undefined,
  ]);
  const report = buildReport({ period, current: mergeCompact(parts), generatedAt: options.now });
  const teamsOf = teams
    ? (key: string) => teams.roster.teamsOf(key).map((team) => team.name)
    : undefined;
  return {
    files: renderExport(report, actorDays(parts), { teamsOf }),
    comment: exportComment(report),
  };
}
