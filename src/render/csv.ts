import type { ActorDay } from "../usage/actor-days.js";
import { METRICS, reportValue } from "../usage/metrics.js";
import type { ActorRow, UsageReport } from "../usage/report.js";
import type { Seat } from "../usage/seats.js";
import type { NameOf } from "./people.js";

/* CSV (RFC 4180): one row per actor of the period, by cost; or per actor and day (exports). */

interface Column {
  header: string;
  cell(actor: ActorRow, names?: NameOf): string | number;
}

/**
 * An actor's metric columns, from the table (metrics.ts): money in dollars and in cents, the
 * acceptance rate after the two counts it is made of, and active days only where rows span days.
 */
function metricColumns(spanDays: boolean): Column[] {
  return METRICS.flatMap((m): Column[] => {
    const header = m.csv;
    if (header === null || (m.unit === "days" && !spanDays)) return [];
    const column = { header, cell: (a: ActorRow) => reportValue(a, m) };
    if (m.unit === "money") {
      const usd = {
        header: "cost_usd",
        cell: (a: ActorRow) => (reportValue(a, m) / 100).toFixed(4),
      };
      return [usd, column];
    }
    if (m.key === "toolRejected") return [column, ACCEPTANCE_RATE];
    return [column];
  });
}

const ACCEPTANCE_RATE: Column = {
  header: "acceptance_rate",
  cell: (a) => (a.acceptanceRate === null ? "" : a.acceptanceRate.toFixed(4)),
};

/**
 * What people read: a person's Slack display name (empty when their email is no Slack user, or
 * no Slack was asked), an API key's name as in the data. Never a mention: files do not ping.
 */
const NAME: Column = {
  header: "name",
  cell: (a, names) => {
    if (a.type === "api_key") return a.name;
    return a.type === "user" ? (names?.(a)?.name ?? "") : "";
  },
};

/** Who, then the metrics, then where they worked and with what. */
const actorColumns = (spanDays: boolean): Column[] => [
  { header: "actor", cell: (a) => a.name },
  { header: "actor_type", cell: (a) => a.type },
  NAME,
  ...metricColumns(spanDays),
  { header: "terminals", cell: (a) => a.terminals.join(" ") },
  { header: "top_model", cell: (a) => a.topModel ?? "" },
];

const PERIOD_COLUMNS = actorColumns(true);
const DAY_COLUMNS = actorColumns(false);

const row = (cells: (string | number)[]) => cells.map(csvCell).join(",");

export interface CsvOptions {
  /** People's Slack names (resolved for a channel: no mentions) for the name column. */
  names?: NameOf | undefined;
  /**
   * The teams of an actor, when teams are configured: a `team` column after the actor's type
   * (several joined with "; "). Without it, no column.
   */
  teamsOf?: ((actorKey: string) => readonly string[]) | undefined;
}

/** The columns, with `team` after `actor_type` when teams are configured. */
function withTeam(columns: readonly Column[], options: CsvOptions): readonly Column[] {
  const teamsOf = options.teamsOf;
  if (!teamsOf) return columns;
  const team: Column = { header: "team", cell: (a) => teamsOf(a.key).join("; ") };
  return [...columns.slice(0, 2), team, ...columns.slice(2)];
}

export function renderCsv(report: UsageReport, options: CsvOptions = {}): string {
  const { from, to } = report.period;
  const columns = withTeam(PERIOD_COLUMNS, options);
  const rows = [row([...columns.map((c) => c.header), "period_from", "period_to"])];
  for (const a of report.actors)
    rows.push(row([...columns.map((c) => c.cell(a, options.names)), from, to]));
  return `${rows.join("\r\n")}\r\n`;
}

/** One row per actor and day (days in order, actors by cost): the export's detail file. */
export function renderActorDaysCsv(days: Iterable<ActorDay>, options: CsvOptions = {}): string {
  const columns = withTeam(DAY_COLUMNS, options);
  const rows = [row(["day", ...columns.map((c) => c.header)])];
  for (const { day, actors } of days) {
    for (const a of actors) rows.push(row([day, ...columns.map((c) => c.cell(a, options.names))]));
  }
  return `${rows.join("\r\n")}\r\n`;
}

/**
 * Quote when needed, and defuse spreadsheet formulas: a cell that starts with = + - @ (an API key
 * could be named so) gets a leading apostrophe. Numbers are written as they are.
 */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Members not active in the period, least used first: for chasing unused seats in a sheet. */
export function renderInactiveSeatsCsv(
  seats: readonly Seat[],
  teamsOf: (email: string) => readonly string[] = () => [],
): string {
  const rows = [
    row(["email", "name", "role", "added_on", "last_active", "idle_days", "teams"]),
    ...seats
      .filter((seat) => !seat.activeInPeriod)
      .map((seat) =>
        row([
          seat.email,
          seat.name ?? "",
          seat.role ?? "",
          seat.addedOn ?? "",
          seat.lastActive ?? "",
          seat.idleDays ?? "",
          teamsOf(seat.email).join("; "),
        ]),
      ),
  ];
  return `${rows.join("\r\n")}\r\n`;
}
