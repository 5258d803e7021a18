import type { KnownBlock, ModalView, PlainTextOption } from "@slack/web-api";
import { CADENCES, type Cadence, type Subscription } from "../../store/subscriptions.js";
import { capBlocks, clip, escapeMrkdwn, packLines, type SlackMessage } from "./limits.js";
import { MAX_TABLE_ROWS, mrkdwnCell, tableBlock, textCell } from "./table.js";

/*
 * Digest subscriptions as people see them: the `/claude-usage subscriptions` list, the replies to
 * subscribe and unsubscribe, and the admins' Settings modal. Pure Block Kit.
 */

/** How a subscription's team is shown: the team's own spelling when it is known. */
export type TeamLabel = (team: string | undefined) => string;

export const orgOrTeam: TeamLabel = (team) => team ?? "the org";

const CADENCE_WORD: Record<Cadence, string> = {
  daily: "Daily",
  weekly: "Weekly",
  monthly: "Monthly",
};

/**
 * "09:30 Paris": a time is nothing without its zone, named by its city as Slack names zones
 * (short enough for a phone's table); UTC stays UTC.
 */
export function timeInZone(time: string, timeZone: string): string {
  return `${time} ${zoneName(timeZone)}`;
}

/** "America/New_York" → "New York"; "Etc/UTC", "UTC" → "UTC". */
export function zoneName(timeZone: string): string {
  const city = timeZone.split("/").at(-1) ?? timeZone;
  return /^(UTC|GMT|Etc\/UTC|Universal|Zulu)$/i.test(timeZone) ? "UTC" : city.replace(/_/g, " ");
}

/** "the weekly digest for Backend", "the daily digest". */
export function digestName(cadence: Cadence, team: string | undefined): string {
  return `the ${cadence} digest${team ? ` for ${team}` : ""}`;
}

/** `/claude-usage subscriptions`: a table of channel, digest and time; or how to add the first. */
export function renderSubscriptionList(
  subscriptions: readonly Subscription[],
  options: { command: string; teamLabel?: TeamLabel; botName?: string },
): SlackMessage {
  const team = options.teamLabel ?? orgOrTeam;
  const cmd = options.command;
  const bot = options.botName ?? "claude-usage";
  if (subscriptions.length === 0) {
    const text = `No channel gets a digest yet. Add one with \`${cmd} subscribe #channel daily\` (the bot must be in the channel: \`/invite @${bot}\` there first).`;
    return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
  }
  const channels = new Set(subscriptions.map((s) => s.channel)).size;
  const headline = `${count(subscriptions.length, "digest")} ${subscriptions.length === 1 ? "goes" : "go"} to ${count(channels, "channel")}`;
  const rows = subscriptions.map((s) => ({
    channel: `<#${s.channel}>`,
    what: `${CADENCE_WORD[s.cadence]} · ${team(s.team)}`,
    when: timeInZone(s.time, s.timeZone),
  }));
  const list: KnownBlock[] =
    rows.length < MAX_TABLE_ROWS
      ? [
          tableBlock(
            [
              { header: "Channel" },
              { header: "Digest", wrap: true },
              { header: "When", wrap: true },
            ],
            rows.map((r) => [mrkdwnCell(r.channel), textCell(r.what), textCell(r.when)]),
          ),
        ]
      : // More than a table holds: lines, packed into sections.
        packLines(
          rows.map((r) => `${r.channel} · ${escapeMrkdwn(r.what)} · ${escapeMrkdwn(r.when)}`),
        ).map((text) => ({ type: "section", text: { type: "mrkdwn", text } }));
  const blocks: KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: `*${headline}*` } },
    ...list,
    {
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Admins change them in \`${cmd} settings\`, or with \`subscribe\` and \`unsubscribe\` (\`${cmd} help\`).`,
        },
      ],
    },
  ];
  return { text: `${headline}.`, blocks: capBlocks(blocks) };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

// --- The Settings modal ---

/** A modal of known blocks (what the limits check reads). */
export type Modal = Omit<ModalView, "blocks"> & { blocks: KnownBlock[] };

export const SETTINGS_CALLBACK_ID = "claude_usage_settings";
/** A subscription's Remove button (value: the subscription's id). */
export const SETTINGS_REMOVE_ACTION = "settings_remove";
/** The Add form's fields: block id prefixes (a form key follows, see below) and action ids. */
export const SETTINGS_FIELDS = {
  channel: "add_channel",
  cadence: "add_cadence",
  team: "add_team",
  time: "add_time",
  zone: "add_zone",
} as const;
/** The team select's value for the whole org (team options are `team:<name>`). */
export const ORG_OPTION = "org";

/** A modal holds 100 blocks (MAX_VIEW_BLOCKS): the list stops before, and says how many more. */
export const MAX_LISTED = 80;
const MAX_OPTIONS = 100;

export interface SettingsViewInput {
  subscriptions: readonly Subscription[];
  /** The org's teams, by name ([] when none is configured: no team field). */
  teams: readonly string[];
  defaults: { time: string; timeZone: string };
  /** Zones offered, the default first (the creator's, DIGEST_TIMEZONE, UTC). */
  zones: readonly { zone: string; label: string }[];
  /** A line above the list: what the last change did. */
  notice?: string | undefined;
  /**
   * Suffix of the form's block ids: a new key gives an empty form after an add (Slack keeps what
   * was typed in inputs whose block ids stay the same).
   */
  formKey: string;
  command: string;
  botName: string;
  teamLabel?: TeamLabel;
}

/** The admins' Settings modal: the subscriptions, each removable, and a form to add one. */
export function renderSettingsView(input: SettingsViewInput): Modal {
  const team = input.teamLabel ?? orgOrTeam;
  const key = input.formKey;
  const blocks: KnownBlock[] = [];
  if (input.notice) {
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: clip(input.notice, 3000) }],
    });
  }
  const subs = input.subscriptions;
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text:
        subs.length === 0
          ? "*Digests in channels*\nNo channel gets a digest yet: add the first below."
          : `*Digests in channels* · ${subs.length}`,
    },
  });
  for (const s of subs.slice(0, MAX_LISTED)) {
    blocks.push({
      type: "section",
      block_id: `sub.${s.id}`,
      text: {
        type: "mrkdwn",
        text: clip(
          `<#${s.channel}>\n${CADENCE_WORD[s.cadence]} · ${escapeMrkdwn(team(s.team))} · ${timeInZone(s.time, s.timeZone)}`,
          3000,
        ),
      },
      accessory: {
        type: "button",
        action_id: SETTINGS_REMOVE_ACTION,
        text: { type: "plain_text", text: "Remove" },
        value: s.id,
        confirm: {
          title: { type: "plain_text", text: "Remove this digest?" },
          text: {
            type: "plain_text",
            text: "The channel stops getting it. You can add it again at any time.",
          },
          confirm: { type: "plain_text", text: "Remove" },
          deny: { type: "plain_text", text: "Keep" },
          style: "danger",
        },
      },
    });
  }
  if (subs.length > MAX_LISTED) {
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `…and ${subs.length - MAX_LISTED} more: \`${input.command} subscriptions\` lists them all.`,
        },
      ],
    });
  }
  blocks.push(
    { type: "divider" },
    { type: "section", text: { type: "mrkdwn", text: "*Add a digest*" } },
    {
      type: "input",
      block_id: `${SETTINGS_FIELDS.channel}.${key}`,
      label: { type: "plain_text", text: "Channel" },
      hint: {
        type: "plain_text",
        text: clip(`The bot must be in it: type /invite @${input.botName} there first.`, 2000),
      },
      element: {
        type: "conversations_select",
        action_id: SETTINGS_FIELDS.channel,
        placeholder: { type: "plain_text", text: "Pick a channel" },
        filter: { include: ["public", "private"], exclude_bot_users: true },
      },
    },
    {
      type: "input",
      block_id: `${SETTINGS_FIELDS.cadence}.${key}`,
      label: { type: "plain_text", text: "Digest" },
      element: {
        type: "static_select",
        action_id: SETTINGS_FIELDS.cadence,
        initial_option: cadenceOption("daily"),
        options: CADENCES.map(cadenceOption),
      },
    },
  );
  if (input.teams.length > 0) {
    const org = option("The whole org", ORG_OPTION);
    blocks.push({
      type: "input",
      block_id: `${SETTINGS_FIELDS.team}.${key}`,
      label: { type: "plain_text", text: "For" },
      element: {
        type: "static_select",
        action_id: SETTINGS_FIELDS.team,
        initial_option: org,
        options: [org, ...input.teams.slice(0, MAX_OPTIONS - 1).map((t) => option(t, `team:${t}`))],
      },
      ...(input.teams.length > MAX_OPTIONS - 1
        ? {
            hint: {
              type: "plain_text" as const,
              text: `The first ${MAX_OPTIONS - 1} teams; for others, ${input.command} subscribe #channel daily <team>.`,
            },
          }
        : {}),
    });
  }
  const zones = input.zones.slice(0, MAX_OPTIONS).map((z) => option(z.label, z.zone));
  blocks.push(
    {
      type: "input",
      block_id: `${SETTINGS_FIELDS.time}.${key}`,
      label: { type: "plain_text", text: "Time" },
      element: {
        type: "timepicker",
        action_id: SETTINGS_FIELDS.time,
        initial_time: input.defaults.time,
      },
    },
    {
      type: "input",
      block_id: `${SETTINGS_FIELDS.zone}.${key}`,
      label: { type: "plain_text", text: "Time zone" },
      element: {
        type: "static_select",
        action_id: SETTINGS_FIELDS.zone,
        ...(zones[0] ? { initial_option: zones[0] } : {}),
        options: zones,
      },
    },
  );
  return {
    type: "modal",
    callback_id: SETTINGS_CALLBACK_ID,
    private_metadata: JSON.stringify({ form: key }),
    title: { type: "plain_text", text: "Digest settings" },
    submit: { type: "plain_text", text: "Add digest" },
    close: { type: "plain_text", text: "Done" },
    blocks,
  };
}

function option(text: string, value: string): PlainTextOption {
  return { text: { type: "plain_text", text: clip(text, 75) }, value: value.slice(0, 150) };
}

function cadenceOption(cadence: Cadence): PlainTextOption {
  return option(CADENCE_WORD[cadence], cadence);
}

/** A small modal in place of Settings for someone who may not change them. */
export function renderSettingsRefusal(text: string): Modal {
  return {
    type: "modal",
    title: { type: "plain_text", text: "Digest settings" },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, 3000) } }],
  };
}
