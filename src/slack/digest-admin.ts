import { escapeMrkdwn } from "../render/blocks/limits.js";
import type { TeamLabel } from "../render/blocks/subscriptions.js";
import { TeamNotFound, TeamsNotConfigured } from "../reports/index.js";
import type { ChannelAccess } from "./channels.js";
import { DEFAULT_BOT_NAME } from "./channels.js";
import type { SlackContext } from "./context.js";

/*
 * What the subscribe commands and the Settings modal share: who may change subscriptions and
 * what others are told, how a team is named and stored, and how to invite the bot.
 */

/** Who may change digest subscriptions, in a sentence for someone who may not. */
export function notAnAdmin(ctx: Pick<SlackContext, "access">): string {
  const ids = ctx.access.adminIds ?? [];
  const named = ids.slice(0, 5).map((id) => `<@${id}>`);
  const more = ids.length > 5 ? ` and ${ids.length - 5} more` : "";
  const who =
    named.length > 0
      ? `${named.join(", ")}${more}, or a workspace admin`
      : "a workspace admin or owner";
  return `:lock: Only admins can change which channels get digests: ask ${who}.`;
}

/** Whether `userId` may change subscriptions (a failed look-up is a no). */
export function isDigestAdmin(
  ctx: Pick<SlackContext, "access" | "logger">,
  userId: string,
): Promise<boolean> {
  return ctx.access.isAdmin(userId).catch((error: unknown) => {
    ctx.logger.warn({ err: error, user: userId }, "could not tell whether the user is an admin");
    return false;
  });
}

/** A team as subscriptions keep it (lower-case name), or what to reply when there is none such. */
export type TeamChoice =
  | { ok: true; team: string | undefined; name: string | undefined }
  | { ok: false; problem: string; closest: readonly string[] };

export async function resolveTeam(
  ctx: Pick<SlackContext, "reports">,
  query: string | undefined,
): Promise<TeamChoice> {
  if (query === undefined) return { ok: true, team: undefined, name: undefined };
  try {
    const team = await ctx.reports.findTeam(query);
    return { ok: true, team: team.name.toLowerCase(), name: team.name };
  } catch (error) {
    if (error instanceof TeamsNotConfigured) {
      return {
        ok: false,
        problem: `There are no teams here yet, so digests are for the whole org (an admin can add teams with TEAMS_FILE or TEAMS_FROM_USERGROUPS).`,
        closest: [],
      };
    }
    if (error instanceof TeamNotFound) {
      const known =
        error.closest.length === 0 && error.known.length > 0
          ? ` Teams: ${error.known.slice(0, 20).map(escapeMrkdwn).join(", ")}${error.known.length > 20 ? "…" : ""}.`
          : "";
      return {
        ok: false,
        problem: `I don't know a team "${escapeMrkdwn(query)}".${known}`,
        closest: error.closest,
      };
    }
    throw error;
  }
}

/** Stored (lower-case) team names shown as the teams spell them; "the org" without one. */
export async function teamLabels(ctx: Pick<SlackContext, "reports">): Promise<TeamLabel> {
  return labelsFrom(await ctx.reports.teamNames().catch(() => [] as string[]));
}

/** The same, from team names already read. */
export function labelsFrom(names: readonly string[]): TeamLabel {
  const byKey = new Map(names.map((n) => [n.toLowerCase(), n]));
  return (team) => (team === undefined ? "the org" : (byKey.get(team) ?? team));
}

/**
 * Why the bot cannot post in the channel, and how to fix it; undefined when it can. `plain` for a
 * modal's field error (plain text, no mention).
 */
export function channelProblem(
  access: ChannelAccess,
  channelId: string,
  botName: string,
  plain = false,
): string | undefined {
  if (access.ok) return undefined;
  const bot = `@${botName || DEFAULT_BOT_NAME}`;
  const invite = plain ? `/invite ${bot}` : `\`/invite ${bot}\``;
  const channel = plain ? "that channel" : `<#${channelId}>`;
  switch (access.reason) {
    case "dm":
      return plain
        ? "Digests go to channels, not direct messages."
        : "Digests go to channels, not direct messages: name a channel, like `subscribe #eng daily`.";
    case "archived":
      return `${plain ? "That channel" : `<#${channelId}>`} is archived: digests can't go there.`;
    case "not_member":
      return `I'm not in ${channel} yet: type ${invite} there, then ${plain ? "add it" : "subscribe"} again.`;
    case "not_found":
      return `I can't see ${channel}: if it is private, type ${invite} in it first, then ${plain ? "add it" : "subscribe"} again.`;
  }
}
