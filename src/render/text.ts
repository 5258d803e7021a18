import { userKey } from "../usage/actor-key.js";
import type { ActorRow, UsageReport } from "../usage/report.js";
import {
  formatAbsChange,
  formatBaseline,
  formatCompact,
  formatInt,
  formatPctChange,
  formatPercent,
  formatPeriodDates,
  formatUsd,
  formatUtcCoverage,
  shortModel,
  sparkline,
} from "./format.js";
import type { NameOf } from "./people.js";
import { storySentence } from "./story.js";

/** How an actor is named in plain text: people by email, keys by name with a tag. */
export function actorLabel(actor: Pick<ActorRow, "name" | "type">): string {
  return actor.type === "api_key" ? `${actor.name} (API key)` : actor.name;
}

export interface TextOptions {
  /** Leaderboard length. */
  top?: number;
  now?: Date;
  /** A person's name to show instead of their email (their Slack display name), when known. */
  plainName?: ((actor: ActorRow) => string | undefined) | undefined;
  /** People's Slack names (a CLI with SLACK_BOT_TOKEN); without one, their email. */
  names?: NameOf | undefined;
}

/** A terminal report: totals with changes, top spenders, models, terminals. ≤ 80 columns. */
export function renderText(report: UsageReport, options: TextOptions = {}): string {
  const top = options.top ?? 10;
  const now = options.now ?? new Date(report.generatedAt);
  const { totals: t, changes: c, period } = report;
  const lines: string[] = [];

  lines.push(
    `Claude Code usage · ${period.name} · ${formatPeriodDates(period, now)}`,
    `${formatUtcCoverage(period)}${comparedWith(report, now)}`,
    "",
  );

  if (t.activeUsers + t.activeApiKeys === 0 && t.costCents === 0) {
    lines.push("No Claude Code activity in this period.");
    if (report.previous && report.previous.costCents > 0) {
      lines.push(`(The previous period had ${formatUsd(report.previous.costCents)} of spend.)`);
    }
    return `${lines.join("\n")}\n`;
  }

  const story = storySentence(report, now, {
    name: (actor) =>
      options.plainName?.(actor) ?? options.names?.(actor)?.name ?? actorLabel(actor),
    strong: (text) => text,
  });
  lines.push(...wrap(story, 78), "");

  const row = (label: string, value: string, delta = "") =>
    `  ${label.padEnd(18)}${value.padStart(12)}   ${delta}`.trimEnd();
  lines.push(
    row("Estimated spend", formatUsd(t.costCents), formatPctChange(c?.costCents)),
    row("Active people", formatInt(t.activeUsers), formatAbsChange(c?.activeUsers)),
  );
  if (t.activeApiKeys > 0 || (report.previous?.activeApiKeys ?? 0) > 0) {
    lines.push(row("API keys", formatInt(t.activeApiKeys), formatAbsChange(c?.activeApiKeys)));
  }
  lines.push(
    row("Sessions", formatInt(t.sessions), formatPctChange(c?.sessions)),
    row("Lines added", formatInt(t.linesAdded), formatPctChange(c?.linesAdded)),
    row("Lines removed", formatInt(t.linesRemoved), formatPctChange(c?.linesRemoved)),
    row("Commits", formatInt(t.commits), formatPctChange(c?.commits)),
    row("Pull requests", formatInt(t.pullRequests), formatAbsChange(c?.pullRequests)),
    row("Accept rate", formatPercent(t.acceptanceRate), acceptanceChange(report)),
    row(
      "Tokens",
      formatCompact(t.tokens.input + t.tokens.output + t.tokens.cacheRead + t.tokens.cacheCreation),
      `in ${formatCompact(t.tokens.input)} · out ${formatCompact(t.tokens.output)} · cache read ${formatCompact(t.tokens.cacheRead)} · cache write ${formatCompact(t.tokens.cacheCreation)}`,
    ),
  );
  if (report.daily.length > 1) {
    lines.push(row("Daily spend", "", sparkline(report.daily.map((d) => d.costCents))));
  }

  const spenders = report.actors.filter((a) => a.costCents > 0 || a.sessions > 0);
  if (spenders.length > 0) {
    lines.push("", "Top spenders");
    const shown = spenders.slice(0, top);
    const label = (actor: ActorRow) =>
      actor.type === "user" ? (options.names?.(actor)?.name ?? actor.name) : actorLabel(actor);
    const width = Math.min(40, Math.max(...shown.map((a) => label(a).length)));
    shown.forEach((actor, i) => {
      lines.push(
        `  ${String(i + 1).padStart(3)}. ${clip(label(actor), width).padEnd(width)}  ${formatUsd(actor.costCents).padStart(11)}  ${formatInt(actor.sessions).padStart(5)} sessions  ${formatCompact(actor.linesAdded).padStart(6)} lines`,
      );
    });
    if (spenders.length > shown.length) {
      lines.push(`       …and ${formatInt(spenders.length - shown.length)} more`);
    }
  }

  if (report.models.length > 0) {
    lines.push("", "By model");
    const width = Math.max(...report.models.map((m) => shortModel(m.model).length));
    for (const m of report.models) {
      lines.push(
        `  ${shortModel(m.model).padEnd(width)}  ${formatUsd(m.costCents).padStart(11)}  ${formatPercent(m.share).padStart(4)}  ${formatCompact(m.tokens.input + m.tokens.output)} tokens in+out`,
      );
    }
  }

  if (report.adoption) {
    const nameOf = (email: string) => options.names?.({ key: userKey(email) })?.name ?? email;
    const names = (list: string[]) =>
      `${list.slice(0, 3).map(nameOf).join(", ")}${list.length > 3 ? ` and ${list.length - 3} more` : ""}`;
    const { newUsers, stoppedUsers } = report.adoption;
    const parts = [
      newUsers.length > 0 ? `${newUsers.length} new (${names(newUsers)})` : "",
      stoppedUsers.length > 0
        ? `${stoppedUsers.length} not active since the previous period (${names(stoppedUsers)})`
        : "",
    ].filter(Boolean);
    if (parts.length > 0) lines.push("", `Adoption: ${parts.join(" · ")}`);
  }

  if (report.terminals.length > 0) {
    const shown = report.terminals.slice(0, 4).map((x) => `${x.terminal} ${formatInt(x.sessions)}`);
    const more = report.terminals.length - shown.length;
    lines.push(
      "",
      `Sessions by terminal: ${shown.join(" · ")}${more > 0 ? ` · +${more} more` : ""}`,
    );
  }

  lines.push("", "Costs are estimates from Anthropic.");
  if (report.invalidRecords > 0) {
    lines.push(
      `Warning: ${formatInt(report.invalidRecords)} record(s) from the API could not be read and are not counted (${report.invalidSamples[0] ?? "no detail"}).`,
    );
  }
  if (report.nonUsdCostItems > 0) {
    lines.push(
      `Warning: ${formatInt(report.nonUsdCostItems)} cost line(s) were not in USD and are left out of spend.`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** " · compared with the week before (Mon 9 – Sun 15 Nov)", or "" without a baseline. */
function comparedWith(report: UsageReport, now: Date): string {
  const words = formatBaseline(report, now);
  if (!words || !report.previousPeriod) return "";
  const dates = formatPeriodDates(report.previousPeriod, now);
  return ` · compared with ${words}${words === dates ? "" : ` (${dates})`}`;
}

function acceptanceChange(report: UsageReport): string {
  const now = report.totals.acceptanceRate;
  const before = report.previous?.acceptanceRate;
  if (now === null || before === null || before === undefined) return "";
  const points = Math.round((now - before) * 100);
  if (points === 0) return "(=)";
  return `${points > 0 ? "▲" : "▼"} ${Math.abs(points)} pt${Math.abs(points) === 1 ? "" : "s"}`;
}

/** Words into lines of at most `width` columns (a longer word keeps its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
