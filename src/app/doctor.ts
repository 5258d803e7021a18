import { WebClient } from "@slack/web-api";
import { createAdminClient } from "../anthropic/client.js";
import { AnthropicApiError, describeAnthropicErrorInDetail } from "../anthropic/errors.js";
import { createLogger } from "../log.js";
import { slackErrorCode } from "../slack/errors.js";
import { requiredBotScopes } from "../slack/scopes.js";
import { createFailureLog } from "../store/failures.js";
import type { Snapshots } from "../store/snapshots.js";
import { openStore } from "../store/store.js";
import type { Subscription } from "../store/subscriptions.js";
import { isoDay, shiftDay } from "../usage/periods.js";
import type { TeamRoster } from "../usage/teams.js";
import { type Config, ConfigError } from "./config.js";
import { storeOptionsFromConfig } from "./options.js";
import { teamsFromConfig } from "./teams.js";

/*
 * `claude-usage doctor`: checks the configuration end to end, one real call each, and says how to
 * fix what is wrong. Details may hold upstream text; the CLI scrubs them of secrets before printing.
 */

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string | undefined;
  /** Not a check but something to know (recent failures): shown with "·", never failed. */
  info?: boolean | undefined;
}

export async function runDoctor(config: Config, now: Date = new Date()): Promise<Check[]> {
  const checks: Check[] = [];
  const adminKey = await checkAdminKey(config, now);
  checks.push(adminKey);
  // A key the usage call refused would fail here too: one ✗ for it is enough.
  if (adminKey.ok) checks.push(await checkRoster(config));
  // The store is opened once: its subscriptions are what the Slack checks look at.
  const store = await checkStore(config);
  checks.push(...(await checkSlack(config, store.subscriptions)));
  checks.push(...(await checkTeams(config)));
  checks.push(...store.checks);
  return checks;
}

async function checkAdminKey(config: Config, now: Date): Promise<Check> {
  const name = "Anthropic admin key";
  if (!config.ANTHROPIC_ADMIN_KEY) {
    return {
      name,
      ok: false,
      detail: "ANTHROPIC_ADMIN_KEY is not set",
      fix: "Create an Admin API key (sk-ant-admin…) in the Anthropic Console → Settings → Admin keys.",
    };
  }
  const client = createAdminClient({
    adminKey: config.ANTHROPIC_ADMIN_KEY,
    baseUrl: config.ANTHROPIC_BASE_URL,
    pageSize: 1,
    maxAttempts: 2,
  });
  const day = shiftDay(isoDay(now), -1);
  try {
    const page = await client.fetchPage(day);
    const warning = config.ANTHROPIC_ADMIN_KEY.startsWith("sk-ant-admin")
      ? ""
      : " (it does not look like an admin key, yet it was accepted)";
    return {
      name,
      ok: true,
      detail: `accepted by ${config.ANTHROPIC_BASE_URL}; ${day} has ${page.records.length > 0 ? "usage" : "no usage yet"}${warning}`,
    };
  } catch (error) {
    const detail =
      error instanceof AnthropicApiError ? describeAnthropicErrorInDetail(error) : String(error);
    return { name, ok: false, detail, fix: "Check ANTHROPIC_ADMIN_KEY and ANTHROPIC_BASE_URL." };
  } finally {
    await client.close();
  }
}

/**
 * May the key list the organisation's members (and so its API keys)? Only seats need it: without
 * it the check informs rather than fails.
 */
async function checkRoster(config: Config): Promise<Check> {
  const name = "Members and API keys";
  const client = createAdminClient({
    adminKey: config.ANTHROPIC_ADMIN_KEY ?? "",
    baseUrl: config.ANTHROPIC_BASE_URL,
    maxAttempts: 2,
  });
  try {
    const members = await client.listMembers();
    const count = members.items.length;
    const unread = members.invalid > 0 ? ` (${members.invalid} more could not be read)` : "";
    return {
      name,
      ok: true,
      detail: `the admin key may list members: ${count} member${count === 1 ? "" : "s"}${unread}`,
    };
  } catch (error) {
    if (!(error instanceof AnthropicApiError)) throw error;
    return {
      name,
      ok: true,
      info: true,
      detail:
        error.kind === "auth"
          ? "the admin key may not list members: seats are unavailable; usage reports still work"
          : `could not list members (${describeAnthropicErrorInDetail(error)}): seats may be unavailable; usage reports still work`,
      fix:
        error.kind === "auth"
          ? "For seats, use an Admin API key that may read the organisation's members and API keys (an admin's key)."
          : undefined,
    };
  } finally {
    await client.close();
  }
}

/** "daily, weekly · backend": what a channel gets, for the check's name. */
function describeSubscriptions(subscriptions: readonly Subscription[]): string {
  return subscriptions.map((s) => (s.team ? `${s.cadence} · ${s.team}` : s.cadence)).join(", ");
}

async function checkSlack(config: Config, subscriptions: Subscription[]): Promise<Check[]> {
  if (!config.SLACK_BOT_TOKEN) {
    return [
      {
        name: "Slack bot token",
        ok: false,
        detail: "SLACK_BOT_TOKEN is not set",
        fix: "Install the app (manifest.yml) and copy its Bot User OAuth Token (xoxb-…).",
      },
    ];
  }
  const slack = new WebClient(config.SLACK_BOT_TOKEN, {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    retryConfig: { retries: 1 },
  });
  const checks: Check[] = [];
  let scopes: string[] | undefined;
  try {
    const auth = await slack.auth.test();
    scopes = auth.response_metadata?.scopes;
    checks.push({
      name: "Slack bot token",
      ok: true,
      detail: `valid for ${auth.team ?? "the workspace"} as ${auth.user ?? "the bot"}`,
    });
  } catch (error) {
    return [
      {
        name: "Slack bot token",
        ok: false,
        detail: `rejected by Slack: ${slackErrorCode(error) ?? (error as Error).message}`,
        fix: "Reinstall the app and update SLACK_BOT_TOKEN.",
      },
    ];
  }
  if (scopes) {
    const missing = requiredBotScopes().filter((scope) => !scopes?.includes(scope));
    checks.push(
      missing.length === 0
        ? { name: "Slack scopes", ok: true, detail: "all scopes the app uses are granted" }
        : {
            name: "Slack scopes",
            ok: false,
            detail: `missing: ${missing.join(", ")}`,
            fix: "Update the app from manifest.yml and reinstall it.",
          },
    );
  }
  if (!config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    checks.push({
      name: "Slack connection",
      ok: false,
      detail: "neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set",
      fix: "Set SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).",
    });
  }
  // The subscriptions made in Slack (or seeded): each channel once. Before the first start has
  // seeded them, the configured channels below.
  const byChannel = new Map<string, Subscription[]>();
  for (const s of subscriptions) byChannel.set(s.channel, [...(byChannel.get(s.channel) ?? []), s]);
  for (const [channel, subs] of byChannel) {
    checks.push(
      await checkChannel(
        slack,
        channel,
        `Digest channel ${channel} (${describeSubscriptions(subs)})`,
        "Remove it with /claude-usage unsubscribe, or in the Settings modal.",
      ),
    );
  }
  if (subscriptions.length > 0) return checks;
  for (const channel of config.DIGEST_CHANNELS) {
    checks.push(
      await checkChannel(
        slack,
        channel,
        `Digest channel ${channel}`,
        "Check DIGEST_CHANNELS: channel ids (C…), not names.",
      ),
    );
  }
  for (const [team, channel] of config.TEAM_DIGESTS) {
    checks.push(
      await checkChannel(
        slack,
        channel,
        `Team digest channel ${channel} (${team})`,
        "Check TEAM_DIGESTS: channel ids (C…), not names.",
      ),
    );
  }
  return checks;
}

/** Can the bot post in this channel? A public one it need not join (chat:write.public). */
async function checkChannel(
  slack: WebClient,
  channel: string,
  name: string,
  /** The fix when Slack cannot find it. */
  notFound: string,
): Promise<Check> {
  try {
    const info = await slack.conversations.info({ channel });
    const member = info.channel?.is_member ?? false;
    const isPrivate = info.channel?.is_private ?? false;
    return {
      name,
      ok: member || !isPrivate,
      detail: `#${info.channel?.name ?? channel}${member ? ", the bot is a member" : isPrivate ? ": private, and the bot is not a member" : ": public; the bot posts without joining (chat:write.public)"}`,
      fix:
        member || !isPrivate
          ? undefined
          : `Invite the bot: /invite @claude-usage in #${info.channel?.name ?? channel}.`,
    };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: slackErrorCode(error) ?? (error as Error).message,
      fix: notFound,
    };
  }
}

/** Each team TEAM_DIGESTS or TEAM_BUDGETS names is in the roster (TEAMS_FILE, user groups). */
async function checkTeams(config: Config): Promise<Check[]> {
  const named = new Map<string, string[]>();
  for (const team of config.TEAM_DIGESTS.keys()) named.set(team, ["TEAM_DIGESTS"]);
  for (const team of config.TEAM_BUDGETS.keys())
    named.set(team, [...(named.get(team) ?? []), "TEAM_BUDGETS"]);
  if (named.size === 0) return [];
  let roster: TeamRoster;
  try {
    const teams = teamsFromConfig(config, { logger: createLogger({ sink: { write() {} } }) });
    if (!teams.configured) {
      return [
        {
          name: "Teams",
          ok: false,
          detail: `${[...new Set([...named.values()].flat())].join(" and ")} name teams, but no teams are configured`,
          fix: "Set TEAMS_FILE (CSV or YAML of email,team) or TEAMS_FROM_USERGROUPS.",
        },
      ];
    }
    roster = (await teams.teams()).roster;
  } catch (error) {
    return [
      {
        name: "Teams",
        ok: false,
        detail: error instanceof ConfigError ? error.problems.join("; ") : (error as Error).message,
        fix: "Fix TEAMS_FILE (see the README's Teams section).",
      },
    ];
  }
  const known = roster.teams.map((t) => t.name).join(", ") || "none";
  return [...named].map(([name, variables]) => {
    const team = roster.find(name);
    return team
      ? {
          name: `Team ${name}`,
          ok: true,
          detail: `${team.name}: ${team.members.size} member${team.members.size === 1 ? "" : "s"} (${variables.join(", ")})`,
        }
      : {
          name: `Team ${name}`,
          ok: false,
          detail: `named in ${variables.join(" and ")}, but not in the roster (teams: ${known})`,
          fix: "Use a team's name or user-group handle from TEAMS_FILE or TEAMS_FROM_USERGROUPS.",
        };
  });
}

/**
 * The store opens, migrates and takes a write; with it, the recent failures, and the digest
 * subscriptions for the Slack checks (none when it cannot be opened: the check says why).
 */
async function checkStore(
  config: Config,
): Promise<{ checks: Check[]; subscriptions: Subscription[] }> {
  const name = "Store";
  let subscriptions: Subscription[] = [];
  try {
    const store = await openStore(storeOptionsFromConfig(config));
    try {
      // Read first: a store that opens but refuses the write still says what is subscribed.
      subscriptions = await store.subscriptions.list().catch(() => []);
      await store.userCache.set("doctor:write-check", { userId: null }, 1);
      const checks: Check[] = [
        {
          name,
          ok: true,
          detail: `${store.database.dialect} at ${store.database.location}: migrated and writable`,
        },
        await recentFailures(store.snapshots),
      ];
      return { checks, subscriptions };
    } finally {
      await store.close();
    }
  } catch (error) {
    return {
      checks: [
        {
          name,
          ok: false,
          detail: (error as Error).message,
          fix: config.DATABASE_URL
            ? "Check DATABASE_URL."
            : "Check that DATA_DIR exists and is writable.",
        },
      ],
      subscriptions,
    };
  }
}

/** How many of the kept failures doctor lists. */
const FAILURES_LISTED = 5;

/** The last failures people were shown, newest first, by the ref they were given. */
async function recentFailures(snapshots: Snapshots): Promise<Check> {
  const name = "Recent failures";
  const failures = await createFailureLog(snapshots)
    .recent(FAILURES_LISTED)
    .catch(() => undefined);
  if (failures === undefined) return { name, ok: true, info: true, detail: "could not be read" };
  if (failures.length === 0) return { name, ok: true, info: true, detail: "none recorded" };
  const lines = failures.map(
    (f) =>
      `ref ${f.ref}  ${new Date(f.at).toISOString().slice(0, 16).replace("T", " ")} UTC  ${f.kind}: ${f.detail}`,
  );
  return {
    name,
    ok: true,
    info: true,
    detail: `the last ${failures.length}, newest first\n    ${lines.join("\n    ")}`,
  };
}

export function renderChecks(checks: readonly Check[]): string {
  const lines = checks.map(
    (c) =>
      `${c.info ? "·" : c.ok ? "✓" : "✗"} ${c.name}: ${c.detail}${c.fix ? `\n    → ${c.fix}` : ""}`,
  );
  const failed = checks.filter((c) => !c.ok).length;
  lines.push("", failed === 0 ? "All checks passed." : `${failed} check(s) failed.`);
  return `${lines.join("\n")}\n`;
}
