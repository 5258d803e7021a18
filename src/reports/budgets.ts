import type { UsageLoader } from "../loading/usage-loader.js";
import {
  type BudgetStatus,
  budgetStatus,
  hasPersonalBudgets,
  PERSONAL_BUDGET_THRESHOLDS,
  type PersonalBudgets,
  personalBudgetOf,
} from "../usage/alerts.js";
import { NO_CENTS } from "../usage/money.js";
import { monthToDate } from "../usage/periods.js";
import type { UsageReport } from "../usage/report.js";

type Actor = { key: string; type: string };

/**
 * Where people stand against their own monthly budgets, month to date through `through`: one
 * month report serves them all (its days are mostly cached by the morning run). Given `for`, the
 * month is loaded only if one of them has a budget; given `month`, it comes from there (a caller
 * that needs the same month for something else).
 */
export async function budgetStandings(
  loader: UsageLoader,
  through: string,
  budgets: PersonalBudgets | undefined,
  options: { for?: readonly Actor[]; month?: () => Promise<UsageReport> } = {},
): Promise<(actor: Actor) => BudgetStatus | undefined> {
  if (!hasPersonalBudgets(budgets)) return () => undefined;
  if (options.for?.every((actor) => personalBudgetOf(actor, budgets) === undefined)) {
    return () => undefined;
  }
  const month = await (options.month?.() ??
    loader.loadReport(monthToDate(through), { compare: false }));
  const spent = new Map(month.actors.map((a) => [a.key, a.costCents]));
  return (actor) => {
    const budget = personalBudgetOf(actor, budgets);
    return budget === undefined
      ? undefined
      : budgetStatus(spent.get(actor.key) ?? NO_CENTS, budget, through, PERSONAL_BUDGET_THRESHOLDS);
  };
}
