import type { BudgetStatus } from "./alerts.js";
import type { UsageReport } from "./report.js";
import type { TeamRank } from "./teams.js";
import type { UsualDay } from "./usual-day.js";

/** A person's own numbers: what reports.personal hands the DM, the slash command and the Home tab. */
export interface PersonalReport {
  /** The whole org's period (the person's rank and share are read from it). */
  report: UsageReport;
  /** The person's actor key in it. */
  actorKey: string;
  email: string;
  /** Where they stand against their own monthly budget, when they have one. */
  budget: BudgetStatus | undefined;
  /**
   * Their usual day in the four weeks before the period, to compare with; null when they have
   * too few active days there, or those days could not be loaded.
   */
  usual: UsualDay | null;
  /**
   * When they were not active in the period: their last active day in the LOOKBACK_DAYS before
   * it, or null when there was none. Undefined when they were active.
   */
  lastActiveDay?: string | null | undefined;
  /** How far back lastActiveDay was looked for. */
  lookbackDays?: number | undefined;
  /** Where they stand by spend in each of their teams (empty: in none, or not active). */
  teamRanks?: TeamRank[] | undefined;
}
