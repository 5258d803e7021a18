import type { Cents } from "../usage/money.js";
import type { Period } from "../usage/periods.js";
import type { SeatSummary, TeamSeats } from "../usage/seats.js";
import type { TeamRow } from "../usage/teams.js";
import {
  formatDay,
  formatInt,
  formatPercent,
  formatPeriodDates,
  formatUsdShort,
} from "./format.js";

/* Teams and seats for the terminal (the CLI's `teams` and `seats`). ≤ 80 columns. */

const usd = (cents: number) => formatUsdShort(cents as Cents);

function changeText(row: TeamRow): string {
  if (row.previousCostCents === null) return "";
  if (row.previousCostCents === 0) return row.costCents > 0 ? "new" : "";
  const pct = Math.round(((row.costCents - row.previousCostCents) / row.previousCostCents) * 100);
  return pct === 0 ? "=" : `${pct > 0 ? "+" : ""}${pct}%`;
}

export function renderTeamsText(
  view: { period: Period; baseline: Period | null; rows: readonly TeamRow[] },
  now: Date,
): string {
  const { period } = view;
  const lines = [
    `Claude Code by team · ${period.name} · ${formatPeriodDates(period, now)}`,
    view.baseline ? `change vs ${formatPeriodDates(view.baseline, now)}` : "",
    "",
  ];
  const width = Math.min(24, Math.max(4, ...view.rows.map((r) => r.name.length)));
  lines.push(
    `  ${"Team".padEnd(width)}  ${"Spend".padStart(9)}  ${"Active".padStart(9)}  ${"Per person".padStart(10)}  ${"PRs".padStart(5)}  ${"Change".padStart(6)}`,
  );
  for (const row of view.rows) {
    const name = row.name.length > width ? `${row.name.slice(0, width - 1)}…` : row.name;
    const per = row.costPerActiveCents === null ? "–" : usd(row.costPerActiveCents);
    lines.push(
      `  ${name.padEnd(width)}  ${usd(row.costCents).padStart(9)}  ${`${formatInt(row.active)}/${formatInt(row.members)}`.padStart(9)}  ${per.padStart(10)}  ${formatInt(row.pullRequests).padStart(5)}  ${changeText(row).padStart(6)}`.trimEnd(),
    );
  }
  lines.push("", "People in several teams count in each; Unassigned: active people in no team.");
  return `${lines.join("\n")}\n`;
}

export function renderSeatsText(
  view: {
    period: Period;
    summary: SeatSummary;
    teams?: readonly TeamSeats[] | undefined;
    window: { from: string };
  },
  now: Date,
): string {
  const s = view.summary;
  const { period } = view;
  const lines = [
    `Claude Code seats · ${period.name} · ${formatPeriodDates(period, now)}`,
    "",
    `  Members        ${formatInt(s.members).padStart(6)}`,
    `  Active         ${formatInt(s.active).padStart(6)}   ${formatPercent(s.members ? s.active / s.members : null)}`,
    `  Never active   ${formatInt(s.never).padStart(6)}`,
    `  Idle ≥ 14 days ${formatInt(s.idle[14]).padStart(6)}`,
    `  Idle ≥ 30 days ${formatInt(s.idle[30]).padStart(6)}`,
  ];
  if (view.teams && view.teams.length > 0) {
    const width = Math.max(4, ...view.teams.map((t) => t.team.length));
    lines.push("", `  ${"Team".padEnd(width)}  Members   Active    Never  No seat`);
    for (const t of view.teams) {
      const { team: name } = t;
      lines.push(
        `  ${name.padEnd(width)}  ${[t.members, t.active, t.never, t.withoutSeat].map((n) => formatInt(n).padStart(7)).join("  ")}`,
      );
    }
  }
  const least = s.seats.filter((seat) => !seat.activeInPeriod);
  if (least.length > 0) {
    lines.push("", "Not active in the period, least used first:");
    for (const seat of least) {
      const last =
        seat.lastActive === null
          ? "never"
          : `last ${formatDay(seat.lastActive, now)} (${formatInt(seat.idleDays ?? 0)} days)`;
      lines.push(`  ${seat.email.padEnd(36)}  ${last}`);
    }
  }
  lines.push(
    "",
    `Never and idle count from ${formatDay(view.window.from, now)} and the days recorded before.`,
  );
  return `${lines.join("\n")}\n`;
}
