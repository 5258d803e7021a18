import type { Button, KnownBlock, PlainTextOption, StaticSelect, View } from "@slack/web-api";
import { z } from "zod";
import type { PersonalReport } from "../../usage/personal.js";
import { type ActorRow, change, rankOf, type UsageReport } from "../../usage/report.js";
import { type UsualDay, versusUsual } from "../../usage/usual-day.js";
import {
  formatAbsChange,
  formatCompact,
  formatDay,
  formatInt,
  formatPctChange,
  formatPeriodDates,
  formatUsd,
} from "../format.js";
import { actorMrkdwn, type NameOf } from "../people.js";
import { storySentence } from "../story.js";
import { clip, escapeMrkdwn, MAX_HEADER_TEXT, MAX_SECTION_TEXT } from "./limits.js";
import { emptyNotFinal } from "./not-final.js";
import { budgetLine, comparedWithUsual } from "./personal.js";
import { zoneName } from "./subscriptions.js";

/*
 * The Home tab as a dashboard: the period and the main actions on top, the viewer's own numbers,
 * their org's or team's story and top five, then their settings. Pure: state in, view out. The
 * viewer's choices (period, team, "my last 30 days") travel in the view's private_metadata and
 * in the actions' values, never in the process, so a click after a restart or on another replica
 * reads the same state.
 */

/** Block Kit's limits for views (a Home tab holds 100 blocks, not a message's 50). */
export const MAX_HOME_BLOCKS = 100;
export const MAX_SELECT_OPTIONS = 100;
export const MAX_OPTION_TEXT = 75;
export const MAX_OPTION_VALUE = 150;
export const MAX_BUTTON_TEXT = 75;
export const MAX_ACTION_VALUE = 2000;
export const MAX_PRIVATE_METADATA = 3000;

/** Every action id the Home tab renders (the listeners in slack/actions/home-*.ts). */
export const HOME_ACTIONS = {
  period: "home_period",
  team: "home_team",
  mine: "home_mine",
  charts: "home_charts",
  export: "home_export",
  dmToggle: "home_dm_toggle",
  dmTime: "home_dm_time",
  /** Opens the admins' settings modal (its listener is not the Home tab's). */
  settings: "home_settings",
} as const;

export const HOME_PERIODS = [
  "yesterday",
  "last 7 days",
  "last 30 days",
  "this month",
  "last month",
] as const;
export type HomePeriod = (typeof HOME_PERIODS)[number];
export const DEFAULT_HOME_PERIOD: HomePeriod = "last 7 days";
/** "My last 30 days": the You part over this period, whatever the selector says. */
export const MY_LONG_PERIOD: HomePeriod = "last 30 days";

/** The team select's value for the whole org. */
export const ORG_CHOICE = "org";

/**
 * What the viewer chose, as kept in the view's private_metadata: short keys, since an old view
 * outlives the code that wrote it and the field holds 3000 characters.
 */
export const homeStateSchema = z.object({
  /** The period of the view. */
  p: z.enum(HOME_PERIODS).catch(DEFAULT_HOME_PERIOD),
  /** The team chosen in the team select (absent: the org, or the viewer's own team). */
  t: z.string().max(MAX_OPTION_VALUE).optional().catch(undefined),
  /** "My last 30 days" is on. */
  m: z.boolean().optional().catch(undefined),
  /** What the group part showed last: the skeleton keeps its place ("org", "team"). */
  g: z.enum(["org", "team"]).optional().catch(undefined),
});
export type HomeState = z.infer<typeof homeStateSchema>;

export const DEFAULT_HOME_STATE: HomeState = { p: DEFAULT_HOME_PERIOD };

/** The state a view or value carries; anything unreadable is the default, never an error. */
export function readHomeState(raw: string | undefined | null): HomeState {
  if (!raw) return { ...DEFAULT_HOME_STATE };
  try {
    const parsed = homeStateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : { ...DEFAULT_HOME_STATE };
  } catch {
    return { ...DEFAULT_HOME_STATE };
  }
}

export function writeHomeState(state: HomeState): string {
  const kept: HomeState = { p: state.p };
  if (state.t) kept.t = state.t;
  if (state.m) kept.m = true;
  if (state.g) kept.g = state.g;
  return JSON.stringify(kept);
}

/** Whether the daily DM is on for someone, by the admin's mode and their own choice. */
export type DmMode = "off" | "opt-in" | "all";

export interface HomeDmSettings {
  mode: DmMode;
  preference: "on" | "off" | undefined;
  /** Their own time (HH:MM, their Slack time zone), if they chose one. */
  time: string | undefined;
  /** DM_LOCAL_TIME. */
  defaultTime: string;
  /** Their Slack time zone (IANA), when Slack says: the DM's time is read in it. */
  timeZone?: string | undefined;
  /** The store did not answer: the choice cannot be read (or changed) right now. */
  unreadable?: boolean | undefined;
}

/** The viewer's own numbers (reports.personal, and the org report for changes and rank). */
export interface HomeYou extends PersonalReport {
  /** Their row in the org report with a baseline, for the change of each fact. */
  compared?: ActorRow | undefined;
  /** The baseline of those changes, in words ("the previous 7 days"). */
  baseline?: string | null | undefined;
}

export interface HomeGroup {
  kind: "org" | "team";
  /** The team's name (kind "team"). */
  team?: string | undefined;
  report: UsageReport;
  names?: NameOf | undefined;
}

export interface HomeViewInput {
  state: HomeState;
  now: Date;
  /** Undefined: Slack gave no email for the viewer. */
  you: HomeYou | undefined;
  /** The org or a team, for those allowed; undefined for others. */
  group?: HomeGroup | undefined;
  /** May see org data: rank, charts, export, the team select's "Whole org". */
  canSeeOrg: boolean;
  isAdmin: boolean;
  /** Teams the viewer may pick (empty: no team select). */
  teams: readonly string[];
  /** Undefined: DMs are not set up (no store). */
  dm: HomeDmSettings | undefined;
  /** A line under the controls: what the last click did ("Sent to your Messages tab"). */
  notice?: string | undefined;
  finalAfterMs?: number | undefined;
  /** The slash command, for hints (default /claude-usage). */
  command?: string | undefined;
}

/** The full Home tab. */
export function homeView(input: HomeViewInput): View {
  const { state, now } = input;
  const command = input.command ?? "/claude-usage";
  const g = input.group?.kind;
  const kept: HomeState = { ...state, g };
  const blocks: KnownBlock[] = [
    header(),
    controls(kept, {
      teams: input.teams,
      canSeeOrg: input.canSeeOrg,
      selectedTeam: input.group?.kind === "team" ? input.group.team : undefined,
    }),
  ];
  if (input.notice) blocks.push(contextBlock(input.notice));
  blocks.push({ type: "divider" }, ...youBlocks(input, kept));
  if (input.group) blocks.push({ type: "divider" }, ...groupBlocks(input.group, now, command));
  blocks.push({ type: "divider" }, ...settingsBlocks(input.dm, input.isAdmin));
  blocks.push(
    contextBlock(`Refreshed each time you open this tab · \`${command} help\` for every command`),
  );
  return homeOf(blocks, kept);
}

/**
 * The same layout with "Loading…" where numbers go: published at once when the tab opens or a
 * choice is made, so the tab is never blank and the choice shows before the numbers do.
 */
export function homeSkeleton(state: HomeState, options: { notice?: string | undefined } = {}) {
  const you = youTitle(state);
  const blocks: KnownBlock[] = [header(), controls(state, { teams: [], canSeeOrg: false })];
  if (options.notice) blocks.push(contextBlock(options.notice));
  blocks.push(
    { type: "divider" },
    section(`*You* · ${you}`),
    contextBlock(":hourglass_flowing_sand: Loading your numbers…"),
  );
  if (state.g) {
    const title =
      state.g === "team" && state.t ? `*Your team: ${escapeMrkdwn(state.t)}*` : "*Your org*";
    blocks.push(
      { type: "divider" },
      section(`${title} · ${state.p}`),
      contextBlock(":hourglass_flowing_sand: Loading…"),
    );
  }
  blocks.push({ type: "divider" }, section("*Settings*"), contextBlock("Loading…"));
  return homeOf(blocks, state);
}

/** A failure in the viewer's words (failureMessage's blocks: what it means, and a ref). */
export function homeErrorView(state: HomeState, failure: readonly KnownBlock[]): View {
  return homeOf(
    [
      header(),
      controls(state, { teams: [], canSeeOrg: false }),
      { type: "divider" },
      ...failure.slice(0, 10),
      contextBlock("Pick a period above, or open this tab again, to try again."),
    ],
    state,
  );
}

function homeOf(blocks: KnownBlock[], state: HomeState): View {
  return {
    type: "home",
    private_metadata: writeHomeState(state),
    blocks: blocks.slice(0, MAX_HOME_BLOCKS),
  };
}

function header(): KnownBlock {
  return { type: "header", text: { type: "plain_text", text: "Claude Code", emoji: true } };
}

/** The period, the team (when there are teams to pick), and the main actions. */
function controls(
  state: HomeState,
  options: { teams: readonly string[]; canSeeOrg: boolean; selectedTeam?: string | undefined },
): KnownBlock {
  const elements: (StaticSelect | Button)[] = [periodSelect(state)];
  const team = teamSelect(options.teams, options.canSeeOrg, options.selectedTeam);
  if (team) elements.push(team);
  if (options.canSeeOrg) {
    const value = clip(writeHomeState(state), MAX_ACTION_VALUE);
    elements.push(
      button(HOME_ACTIONS.charts, ":bar_chart: Charts", value),
      button(HOME_ACTIONS.export, ":inbox_tray: Export CSV", value),
    );
  }
  return { type: "actions", block_id: "home_controls", elements };
}

function periodSelect(state: HomeState): StaticSelect {
  const options = HOME_PERIODS.map((p) => option(capitalize(p), p));
  return {
    type: "static_select",
    action_id: HOME_ACTIONS.period,
    placeholder: plain("Period"),
    options,
    initial_option: options.find((o) => o.value === state.p) ?? options[1],
  };
}

/**
 * "Whole org" (for those who may see it) and each team the viewer may pick, up to Slack's 100
 * options; a team whose name is too long for an option's value cannot be picked here.
 */
function teamSelect(
  teams: readonly string[],
  canSeeOrg: boolean,
  selected: string | undefined,
): StaticSelect | undefined {
  if (teams.length === 0) return undefined;
  const options: PlainTextOption[] = canSeeOrg ? [option("Whole org", ORG_CHOICE)] : [];
  // The team shown is always among the options, however far down the list it is.
  const ordered =
    selected && teams.includes(selected)
      ? [selected, ...teams.filter((t) => t !== selected)]
      : teams;
  for (const name of ordered) {
    if (options.length >= MAX_SELECT_OPTIONS) break;
    if (name.length > MAX_OPTION_VALUE - 2) continue;
    options.push(option(name, `t:${name}`));
  }
  if (options.length < 2 && !canSeeOrg && teams.length === 1) {
    // One team and nothing else to pick: the section title says which.
    return undefined;
  }
  const initial =
    options.find((o) => selected !== undefined && o.value === `t:${selected}`) ??
    (canSeeOrg ? options[0] : undefined);
  return {
    type: "static_select",
    action_id: HOME_ACTIONS.team,
    placeholder: plain("Team"),
    options,
    ...(initial ? { initial_option: initial } : {}),
  };
}

function youTitle(state: HomeState): string {
  return state.m ? MY_LONG_PERIOD : state.p;
}

function youBlocks(input: HomeViewInput, state: HomeState): KnownBlock[] {
  const { you, now } = input;
  const mine = state.p !== MY_LONG_PERIOD;
  const toggle = mine
    ? button(
        HOME_ACTIONS.mine,
        state.m ? `Back to ${state.p}` : "My last 30 days",
        clip(writeHomeState({ ...state, m: !state.m }), MAX_ACTION_VALUE),
      )
    : undefined;
  if (!you) {
    return [
      section(`*You* · ${youTitle(state)}`, toggle),
      section(
        "I couldn't find the email of your Slack account, which is how Anthropic knows you. (The app needs the users:read.email scope.)",
      ),
    ];
  }
  const { report } = you;
  const dates = formatPeriodDates(report.period, now);
  const title = section(`*You* · ${youTitle(state)} · ${dates}`, toggle);
  const me = report.actors.find((a) => a.key === you.actorKey);
  if (!me) {
    // Nothing yet in days still arriving is not "no activity" (as `me` says it).
    const orgEmpty = report.totals.costCents === 0 && report.actors.length === 0;
    const includesToday = report.period.to >= now.toISOString().slice(0, 10);
    const pending =
      orgEmpty || includesToday
        ? emptyNotFinal(report.period, now, input.finalAfterMs, true)?.empty
        : undefined;
    const blocks: KnownBlock[] = [
      title,
      section(pending ?? "No Claude Code activity for you in this period."),
    ];
    const where = lastActive(you, now);
    if (where) blocks.push(contextBlock(where));
    if (you.budget) blocks.push(contextBlock(budgetLine(you.budget)));
    return blocks;
  }
  const before = you.compared?.key === me.key ? you.compared.previous : null;
  const delta = (cur: number, prev: number | undefined, pct: boolean) =>
    prev === undefined ? "" : (pct ? formatPctChange : formatAbsChange)(change(cur, prev));
  const fields = [
    `Spend\n*${formatUsd(me.costCents)}*  ${you.usual ? versusUsualShort(me, you.usual) : ""}`,
    `Sessions\n*${formatInt(me.sessions)}*  ${delta(me.sessions, before?.sessions, true)}`,
    `Lines added\n*${formatCompact(me.linesAdded)}*  ${delta(me.linesAdded, before?.linesAdded, true)}`,
    `Pull requests\n*${formatInt(me.pullRequests)}*  ${delta(me.pullRequests, before?.pullRequests, false)}`,
  ].map((text) => ({ type: "mrkdwn" as const, text: text.trim() }));
  const facts: string[] = [];
  if (you.usual) facts.push(capitalize(comparedWithUsual(me, you.usual)));
  if (input.canSeeOrg) {
    const rank = rankOf(
      report.actors.filter((a) => a.type === "user"),
      me.key,
    );
    if (rank) facts.push(`${ordinal(rank.rank)} of ${formatInt(rank.of)} by spend`);
    // Ranks say how others spent: for those who may see the org only.
    for (const t of you.teamRanks ?? []) {
      facts.push(`${ordinal(t.rank)} of ${formatInt(t.of)} in ${escapeMrkdwn(t.team)}`);
    }
  }
  if (before && you.baseline) facts.push(`changes vs ${you.baseline}`);
  const blocks: KnownBlock[] = [title, { type: "section", fields }];
  if (facts.length > 0) blocks.push(contextBlock(facts.join(" · ")));
  if (you.budget) blocks.push(contextBlock(budgetLine(you.budget)));
  return blocks;
}

/** The spend's change against the usual day, short enough for a field: "2× usual", "≈ usual". */
function versusUsualShort(me: ActorRow, usual: UsualDay): string {
  const perDay = me.costCents / Math.max(1, me.activeDays);
  const cmp = versusUsual(perDay, usual.cents);
  switch (cmp.kind) {
    case "times":
      return `▲ ${cmp.times}× usual`;
    case "more":
      return "▲ above usual";
    case "about":
      return "≈ usual";
    case "less":
      return "▼ below usual";
    default:
      return "▼ under half usual";
  }
}

function lastActive(you: HomeYou, now: Date): string | undefined {
  if (you.lastActiveDay === undefined) return undefined;
  if (you.lastActiveDay === null) {
    return `Nothing in the ${formatInt(you.lookbackDays ?? 0)} days before either. Claude Code used under another email than ${escapeMrkdwn(you.email)}, or through a claude.ai seat, may not show up in Anthropic's usage data.`;
  }
  return `Your last day with Claude Code was *${formatDay(you.lastActiveDay, now)}*.`;
}

const MEDALS = ["🥇", "🥈", "🥉"];

/**
 * The org's or a team's story and its top five: mrkdwn lines, since Slack renders no table
 * blocks in a Home tab.
 */
function groupBlocks(group: HomeGroup, now: Date, command: string): KnownBlock[] {
  const { report } = group;
  const who =
    group.kind === "team" && group.team ? `Your team: ${escapeMrkdwn(group.team)}` : "Your org";
  const blocks: KnownBlock[] = [
    section(`*${who}* · ${report.period.name} · ${formatPeriodDates(report.period, now)}`),
    section(
      storySentence(report, now, {
        name: (actor) => actorMrkdwn(actor, group.names),
        strong: (text) => `*${text}*`,
      }),
    ),
  ];
  const spenders = report.actors.filter((a) => a.costCents > 0 || a.sessions > 0);
  if (spenders.length > 0) {
    const lines = spenders.slice(0, 5).map((actor, i) => {
      const rank = MEDALS[i] ?? `${i + 1}.`;
      // Spend only: a second figure wraps the line on a phone.
      return `${rank} ${actorMrkdwn(actor, group.names)}  *${formatUsd(actor.costCents)}*`;
    });
    const more = spenders.length - 5;
    if (more > 0) lines.push(`…and ${formatInt(more)} more`);
    blocks.push(section(lines.join("\n")));
  }
  const ask =
    group.kind === "team" && group.team
      ? `${command} team ${group.team} ${report.period.name}`
      : `${command} ${report.period.name}`;
  blocks.push(contextBlock(`The full report: \`${escapeMrkdwn(ask)}\``));
  return blocks;
}

/** The DM times offered: 06:00 to 12:00 every half hour. */
export const DM_TIMES: readonly string[] = Array.from({ length: 13 }, (_, i) => {
  const minutes = 6 * 60 + i * 30;
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${minutes % 60 === 0 ? "00" : "30"}`;
});
/** The DM time select's value for "back to the default". */
export const DEFAULT_DM_TIME = "default";

/** Whether the daily DM comes, by the admin's mode and the person's own choice. */
export function dmIsOn(dm: Pick<HomeDmSettings, "mode" | "preference">): boolean {
  if (dm.mode === "off") return false;
  return dm.mode === "all" ? dm.preference !== "off" : dm.preference === "on";
}

function settingsBlocks(dm: HomeDmSettings | undefined, isAdmin: boolean): KnownBlock[] {
  const blocks: KnownBlock[] = [section("*Settings*")];
  if (!dm) {
    blocks.push(contextBlock("Daily DMs are not set up on this installation."));
  } else if (dm.mode === "off") {
    blocks.push(contextBlock("Daily DMs are not enabled by your admin."));
  } else if (dm.unreadable) {
    blocks.push(
      contextBlock(
        ":warning: Your daily DM settings can't be read right now. Open this tab again in a few minutes.",
      ),
    );
  } else {
    const on = dmIsOn(dm);
    blocks.push(
      section(
        on
          ? "Daily DM: *on* — a short summary of your Claude Code day each morning."
          : "Daily DM: *off*",
        button(HOME_ACTIONS.dmToggle, on ? "Turn off" : "Turn on", on ? "off" : "on"),
      ),
      section(
        `DM time, in your Slack time zone${dm.timeZone ? ` (${zoneName(dm.timeZone)})` : ""}: *${dm.time ?? `${dm.defaultTime} (the default)`}*`,
        dmTimeSelect(dm),
      ),
    );
  }
  if (isAdmin) {
    blocks.push({
      type: "actions",
      block_id: "home_admin",
      elements: [button(HOME_ACTIONS.settings, ":gear: Settings", "open")],
    });
    blocks.push(contextBlock("Admins: digest subscriptions and who gets what."));
  }
  return blocks;
}

function dmTimeSelect(dm: HomeDmSettings): StaticSelect {
  const times = [...DM_TIMES];
  // A time set elsewhere (the default, or an older choice) is shown as chosen all the same.
  if (dm.time && !times.includes(dm.time)) times.push(dm.time);
  times.sort();
  const options = [
    option(`Default (${dm.defaultTime})`, DEFAULT_DM_TIME),
    ...times.map((t) => option(t, t)),
  ];
  const chosen = options.find((o) => o.value === (dm.time ?? DEFAULT_DM_TIME));
  return {
    type: "static_select",
    action_id: HOME_ACTIONS.dmTime,
    placeholder: plain("DM time"),
    options,
    ...(chosen ? { initial_option: chosen } : {}),
  };
}

function section(text: string, accessory?: Button | StaticSelect): KnownBlock {
  return {
    type: "section",
    text: { type: "mrkdwn", text: clip(text, MAX_SECTION_TEXT) },
    ...(accessory ? { accessory } : {}),
  };
}

function contextBlock(text: string): KnownBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: clip(text, MAX_SECTION_TEXT) }] };
}

function button(actionId: string, text: string, value: string): Button {
  return {
    type: "button",
    action_id: actionId,
    text: plain(clip(text, MAX_BUTTON_TEXT)),
    value: clip(value, MAX_ACTION_VALUE),
  };
}

function option(text: string, value: string): PlainTextOption {
  return { text: plain(clip(text, MAX_OPTION_TEXT)), value: clip(value, MAX_OPTION_VALUE) };
}

function plain(text: string) {
  return { type: "plain_text" as const, text: clip(text, MAX_HEADER_TEXT), emoji: true };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffixes: Record<number, string> = { 1: "st", 2: "nd", 3: "rd" };
  const suffix = tens >= 11 && tens <= 13 ? "th" : (suffixes[n % 10] ?? "th");
  return `${formatInt(n)}${suffix}`;
}

/** Every way a Home view breaks Block Kit's limits; empty when it is fine (tests). */
export function homeViolations(view: View): string[] {
  const problems: string[] = [];
  const blocks = view.blocks as KnownBlock[];
  if (blocks.length > MAX_HOME_BLOCKS) problems.push(`${blocks.length} blocks`);
  if ((view.private_metadata?.length ?? 0) > MAX_PRIVATE_METADATA) {
    problems.push("private_metadata too long");
  }
  const ids = new Set<string>();
  const element = (e: { type: string; action_id?: string }, where: string) => {
    if (e.action_id) {
      if (ids.has(e.action_id)) problems.push(`${where}: action_id ${e.action_id} twice`);
      ids.add(e.action_id);
    }
    if (e.type === "button") {
      const b = e as Button;
      if (b.text.text.length > MAX_BUTTON_TEXT) problems.push(`${where}: button text too long`);
      if ((b.value?.length ?? 0) > MAX_ACTION_VALUE) problems.push(`${where}: value too long`);
    }
    if (e.type === "static_select") {
      const s = e as StaticSelect;
      const options = s.options ?? [];
      if (options.length > MAX_SELECT_OPTIONS) problems.push(`${where}: ${options.length} options`);
      for (const o of options) {
        if (o.text.text.length > MAX_OPTION_TEXT) problems.push(`${where}: option text too long`);
        if ((o.value?.length ?? 0) > MAX_OPTION_VALUE) problems.push(`${where}: option value`);
      }
      if (s.initial_option && !options.some((o) => o.value === s.initial_option?.value)) {
        problems.push(`${where}: initial option not among the options`);
      }
    }
  };
  blocks.forEach((block, i) => {
    const where = `block ${i}`;
    if (block.type === "table") problems.push(`${where}: a table (Home tabs do not render them)`);
    if (block.type === "section") {
      if (block.text && block.text.text.length > MAX_SECTION_TEXT) {
        problems.push(`${where}: section text of ${block.text.text.length} chars`);
      }
      if ((block.fields?.length ?? 0) > 10) problems.push(`${where}: too many fields`);
      if (!block.text && !block.fields?.length) problems.push(`${where}: empty section`);
      if (block.accessory) element(block.accessory as { type: string }, where);
    }
    if (block.type === "actions") {
      if (block.elements.length > 25) problems.push(`${where}: ${block.elements.length} elements`);
      for (const e of block.elements) element(e as { type: string }, where);
    }
    if (block.type === "header" && block.text.text.length > MAX_HEADER_TEXT) {
      problems.push(`${where}: header too long`);
    }
  });
  return problems;
}
