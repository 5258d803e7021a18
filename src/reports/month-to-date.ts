import type { UsageLoader } from "../loading/usage-loader.js";
import type { MonthToDate } from "../render/blocks/index.js";
import { budgetStatus } from "../usage/alerts.js";
import { type Cents, NO_CENTS } from "../usage/money.js";
import { monthToDate } from "../usage/periods.js";
import type { UsageReport } from "../usage/report.js";

/**
 * The month so far through a day, loaded once however many ask for it in one run (the daily
 * digest's line, the DMs' budget lines): its days are mostly cached by then, but merging a
 * month is what would be repeated.
 */
export function monthsToDate(
  loader: Pick<UsageLoader, "loadReport">,
): (through: string) => Promise<UsageReport> {
  const months = new Map<string, Promise<UsageReport>>();
  return (through) => {
    let month = months.get(through);
    if (!month) {
      month = loader.loadReport(monthToDate(through), { compare: false });
      months.set(through, month);
    }
    return month;
  };
}

/** Month-to-date spend through `through` and its pace, against the org's budget when set. */
export function monthSoFar(
  month: UsageReport,
  through: string,
  budgetCents: Cents | undefined,
): MonthToDate {
  const status = budgetStatus(month.totals.costCents, budgetCents ?? NO_CENTS, through);
  return {
    month: status.month,
    through,
    spentCents: status.spentCents,
    projectedCents: status.projectedCents,
    budgetCents,
  };
}
