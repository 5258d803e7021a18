import type { TeamsLoader } from "../loading/teams.js";
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
  /** Teams, when configured: a team column. */
  teams?: TeamsLoader | undefined;
}

/** The export of a period: its day parts fetched once, for both the detail and the summary. */
export async function loadExport(
  loader: Pick<UsageLoader, "loadDayParts">,
  period: Period,
  options: ExportOptions = {},
): Promise<{ files: ExportFile[]; comment: string }> {
  const [parts, teams] = await Promise.all([
    loader.loadDayParts(period.days, options.signal),
    // A team column only when teams are configured.
    options.teams?.configured ? options.teams.teams() : undefined,
  ]);
  const report = buildReport({ period, current: mergeCompact(parts), generatedAt: options.now });
  const names = await options.names?.(report.actors);
  const teamsOf = teams
    ? (key: string) => teams.roster.teamsOf(key).map((team) => team.name)
    : undefined;
  return {
    files: renderExport(report, actorDays(parts), { names, teamsOf }),
    comment: exportComment(report),
  };
}
