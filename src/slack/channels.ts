import type { WebClient } from "@slack/web-api";
import { slackErrorCode } from "./errors.js";

/*
 * Whether the bot can post in a channel before anyone subscribes it: conversations.info says
 * `is_member` for a public channel; a private one the bot is not in is `channel_not_found`. Any
 * other failure (rate limit, missing scope) is thrown, since "could not ask" is not "no".
 */

export type ChannelAccess =
  | { ok: true; name?: string | undefined }
  | {
      ok: false;
      /** `dm`: a direct message, where digests do not go; `archived`: nothing is posted there. */
      reason: "not_member" | "not_found" | "dm" | "archived";
      name?: string | undefined;
    };

export interface ChannelCheck {
  access(channelId: string): Promise<ChannelAccess>;
  /** The bot's handle as `/invite @…` takes it. */
  botName(): Promise<string>;
}

/** The manifest's display name, when auth.test cannot say. */
export const DEFAULT_BOT_NAME = "claude-usage";

export function createChannelCheck(
  client: Pick<WebClient, "conversations" | "auth">,
  onError?: (error: unknown) => void,
): ChannelCheck {
  let name: Promise<string> | undefined;
  return {
    async access(channelId) {
      if (/^D/.test(channelId)) return { ok: false, reason: "dm" };
      try {
        const { channel } = await client.conversations.info({ channel: channelId });
        if (channel?.is_im || channel?.is_mpim) return { ok: false, reason: "dm" };
        if (channel?.is_archived) return { ok: false, reason: "archived", name: channel.name };
        return channel?.is_member
          ? { ok: true, name: channel.name }
          : { ok: false, reason: "not_member", name: channel?.name };
      } catch (error) {
        if (slackErrorCode(error) === "channel_not_found")
          return { ok: false, reason: "not_found" };
        throw error;
      }
    },
    botName() {
      name ??= client.auth
        .test()
        .then((r) => r.user ?? DEFAULT_BOT_NAME)
        .catch((error: unknown) => {
          onError?.(error);
          // Asked again next time: one failure should not fix the fallback for good.
          name = undefined;
          return DEFAULT_BOT_NAME;
        });
      return name;
    },
  };
}
