import type { UsageLoader } from "../loading/usage-loader.js";
import type { ExportFile } from "../render/export.js";
import { userKey } from "../usage/actor-key.js";
import type { BudgetStatus, PersonalBudgets } from "../usage/alerts.js";
import { isoDay, type Period, shiftDay } from "../usage/periods.js";
import type { UsageReport } from "../usage/report.js";
import type { UsualDay } from "../usage/usual-day.js";
import { budgetStandings } from "./budgets.js";
import { type ExportOptions, loadExport } from "./export.js";
import { findLastActiveDay, LOOKBACK_DAYS } from "./last-active.js";
import { usualDaysBefore } from "./usual-days.js";

/*
 * The use cases every surface shares — the slash command, the Share button, the Home tab, the CLI —
 * so that each says the same thing: load, compute, and hand a renderer what it shows. No Slack
 * here; who may see what is the caller's rule.
 */

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
}

/** How many of a report's days (its baseline's included) are in. */
export interface Progress {
  done: number;
  total: number;
}

export interface Reports {
  /** The org's period, compared with the period before unless `compare: false`. */
  org(
    period: Period,
    options?: {
      compare?: boolean;
      /** Told as the report's days come in (for a "12 of 60 days" note while it is cold). */
      onProgress?: ((progress: Progress) => void) | undefined;
    },
  ): Promise<UsageReport>;
  /**
   * One person's period, and where they stand against their own budget; with `lookBack`, when
   * they were not active in it, their last active day before it (`/claude-usage me`).
   */
  personal(
    email: string,
    period: Period,
    options?: { lookBack?: boolean },
  ): Promise<PersonalReport>;
  /** Where a person stands against their monthly budget through yesterday (UTC), if they have one. */
  budgetOf(email: string): Promise<BudgetStatus | undefined>;
  /**
   * The CSV export of a period: one row per person and day, and a summary per person; `names`
   * fills the name column.
   */
  export(
    period: Period,
    options?: Pick<ExportOptions, "names">,
  ): Promise<{ files: ExportFile[]; comment: string }>;
}

export interface ReportsOptions {
  loader: UsageLoader;
  /** People's own monthly budgets (BUDGET_USER_MONTHLY_USD, BUDGET_USER_OVERRIDES). */
  personalBudgets?: PersonalBudgets | undefined;
  now?: (() => Date) | undefined;
}

export function createReports(options: ReportsOptions): Reports {
  const { loader } = options;
  const now = options.now ?? (() => new Date());

  async function budgetOf(email: string): Promise<BudgetStatus | undefined> {
    const me = { key: userKey(email), type: "user" };
    const through = shiftDay(isoDay(now()), -1);
    const standing = await budgetStandings(loader, through, options.personalBudgets, { for: [me] });
    return standing(me);
  }

  // People asking for the same report at the same moment (a digest everyone opens) share one,
  // and each hears how far it is.
  interface InFlight {
    report: Promise<UsageReport>;
    listeners: Set<(progress: Progress) => void>;
    heard: { last?: Progress };
  }
  const orgInFlight = new Map<string, InFlight>();
  function org(
    period: Period,
    { compare = true, onProgress }: { compare?: boolean; onProgress?: (p: Progress) => void } = {},
  ): Promise<UsageReport> {
    const key = `${period.name}|${period.from}|${period.to}|${compare}`;
    let shared = orgInFlight.get(key);
    if (!shared) {
      const listeners = new Set<(p: Progress) => void>();
      const heard: { last?: Progress } = {};
      const report = loader
        .loadReport(period, {
          compare,
          onProgress: (progress) => {
            heard.last = progress;
            for (const listener of listeners) listener(progress);
          },
        })
        .finally(() => orgInFlight.delete(key));
      shared = { report, listeners, heard };
      orgInFlight.set(key, shared);
    }
    if (onProgress) {
      shared.listeners.add(onProgress);
      if (shared.heard.last) onProgress(shared.heard.last);
    }
    return shared.report;
  }

  return {
    org,
    budgetOf,
    async personal(email, period, { lookBack = false } = {}) {
      const actorKey = userKey(email);
      // The person is compared with their usual day, not the period before: no need to load it.
      const [report, budget, usual] = await Promise.all([
        org(period, { compare: false }),
        budgetOf(email),
        // Without it, the numbers are still theirs: a failure only leaves out the comparison.
        usualDaysBefore(loader, period.from, new Set([actorKey])).then(
          (usuals) => usuals.get(actorKey) ?? null,
          () => null,
        ),
      ]);
      const active = report.actors.some((a) => a.key === actorKey);
      const lastActiveDay =
        active || !lookBack
          ? undefined
          : await findLastActiveDay(loader, actorKey, period.from, LOOKBACK_DAYS);
      return {
        report,
        actorKey,
        email,
        budget,
        usual,
        lastActiveDay,
        lookbackDays: LOOKBACK_DAYS,
      };
    },
    export: (period, options) => loadExport(loader, period, { now: now(), names: options?.names }),
  };
}
