import type { WebClient } from "@slack/web-api";
import { renderHelp, type SlackMessage } from "../../render/blocks/index.js";
import {
  digestName,
  renderSubscriptionList,
  timeInZone,
} from "../../render/blocks/subscriptions.js";
import { StoreError } from "../../store/errors.js";
import { DEFAULT_BOT_NAME } from "../channels.js";
import type { SlackContext } from "../context.js";
import {
  channelProblem,
  isDigestAdmin,
  notAnAdmin,
  resolveTeam,
  teamLabels,
} from "../digest-admin.js";
import { COMMAND, storeFailure } from "../report-messages.js";
import { openSettings } from "../views/settings.js";
import type { SubscriptionCommand } from "./parse-subscription.js";

/*
 * `subscribe`, `unsubscribe`, `subscriptions` and `settings`: which channels get which digest.
 * Anyone may list them; only admins change them, and only for channels the bot is in (it checks
 * before saving, so a digest never fails at 9 a.m. for want of an invite).
 */

export interface SubscriptionAsk {
  userId: string;
  /** Where the command was typed: the channel when none is named. */
  channelId: string;
  triggerId?: string | undefined;
}

/** The reply to a subscription command; undefined when the answer is a modal (settings). */
export async function answerSubscriptionCommand(
  command: SubscriptionCommand,
  asked: SubscriptionAsk,
  ctx: SlackContext,
  client?: Pick<WebClient, "views" | "users">,
): Promise<SlackMessage | undefined> {
  const subscriptions = ctx.subscriptions;
  if (!subscriptions) {
    return plain(
      "Digest subscriptions are not set up on this installation (they need the app's store).",
    );
  }
  if (command.kind === "settings") {
    if (!client || !asked.triggerId) return plain(`Open Settings from the app's Home tab.`);
    const refused = await openSettings(ctx, client, {
      userId: asked.userId,
      triggerId: asked.triggerId,
    });
    return refused === undefined ? undefined : plain(refused);
  }
  const retry = `${COMMAND} ${command.kind}`;
  try {
    if (command.kind === "subscriptions") {
      const [list, teamLabel, botName] = await Promise.all([
        subscriptions.list(),
        teamLabels(ctx),
        ctx.channels?.botName() ?? DEFAULT_BOT_NAME,
      ]);
      return renderSubscriptionList(list, { command: COMMAND, teamLabel, botName });
    }
    if (!(await isDigestAdmin(ctx, asked.userId))) return plain(notAnAdmin(ctx));
    const channel = command.channel?.id ?? asked.channelId;
    const team = await resolveTeam(ctx, command.team);
    if (command.kind === "unsubscribe") {
      // A team no longer configured can still be unsubscribed by the name it was saved under.
      const stored = team.ok ? team.team : command.team?.replace(/^@/, "").toLowerCase();
      const gone = await subscriptions.remove({ channel, cadence: command.cadence, team: stored });
      const label = await teamLabels(ctx);
      const what = command.cadence
        ? digestName(command.cadence, stored && label(stored))
        : `any digest${stored ? ` for ${label(stored)}` : " for the org"}`;
      if (gone.length === 0) {
        return plain(
          `<#${channel}> doesn't get ${what}, so nothing changed. \`${COMMAND} subscriptions\` lists what each channel gets.`,
        );
      }
      ctx.logger.info({ user: asked.userId, removed: gone }, "digests unsubscribed");
      const names = gone.map((s) => digestName(s.cadence, s.team && label(s.team)));
      return plain(`Done: <#${channel}> no longer gets ${names.join(" or ")}.`);
    }
    if (!team.ok) {
      const suggestion = team.closest[0];
      return suggestion
        ? renderHelp({
            command: COMMAND,
            suggestion: subscribeText(command, suggestion),
          })
        : plain(team.problem);
    }
    const [access, botName] = await Promise.all([
      ctx.channels?.access(channel) ?? { ok: true as const },
      ctx.channels?.botName() ?? DEFAULT_BOT_NAME,
    ]);
    const problem = channelProblem(access, channel, botName);
    if (problem) return plain(`:raising_hand: ${problem}`);
    const defaults = ctx.digestDefaults ?? { time: "09:00", timeZone: "UTC" };
    const time = command.time ?? defaults.time;
    const timeZone = command.timeZone ?? defaults.timeZone;
    const result = await subscriptions.add({
      channel,
      cadence: command.cadence,
      team: team.team,
      time,
      timeZone,
      createdBy: asked.userId,
    });
    const what = digestName(command.cadence, team.name);
    if (!result.added) {
      const e = result.existing;
      const was = timeInZone(e.time, e.timeZone);
      // Asked again with another time (or zone): that is a change of time, not a duplicate.
      const next = { time: command.time ?? e.time, timeZone: command.timeZone ?? e.timeZone };
      if (next.time !== e.time || next.timeZone !== e.timeZone) {
        await subscriptions.setTime(e.id, next.time, next.timeZone);
        return plain(
          `Done: <#${channel}> now gets ${what} at ${timeInZone(next.time, next.timeZone)} (it was ${was}).`,
        );
      }
      return plain(
        `<#${channel}> already gets ${what}, at ${was}. Add \`at HH:MM\` to change its time.`,
      );
    }
    ctx.logger.info({ user: asked.userId, subscription: result.subscription }, "digest subscribed");
    return plain(
      `:white_check_mark: Done: <#${channel}> gets ${what} at ${timeInZone(time, timeZone)}. To stop it, \`${COMMAND} unsubscribe ${command.cadence}${team.name ? ` ${team.name}` : ""}\` in that channel.`,
    );
  } catch (error) {
    if (error instanceof StoreError) return storeFailure(error, retry, ctx);
    throw error;
  }
}

/** The subscribe command as typed, with `team` in place of the mistyped one. */
function subscribeText(
  command: Extract<SubscriptionCommand, { kind: "subscribe" }>,
  team: string,
): string {
  const channel = command.channel;
  return [
    "subscribe",
    ...(channel ? [channel.name ? `#${channel.name}` : `<#${channel.id}>`] : []),
    command.cadence,
    team,
    ...(command.time ? ["at", command.time, ...(command.timeZone ? [command.timeZone] : [])] : []),
  ].join(" ");
}

/** A one-line reply; its leading emoji only in the block (the fallback text is read as text). */
function plain(text: string): SlackMessage {
  return {
    text: text.replace(/^:[a-z_]+: /, ""),
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  };
}
