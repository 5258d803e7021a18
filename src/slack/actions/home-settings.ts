import type { App, BlockButtonAction, BlockStaticSelectAction } from "@slack/bolt";
import { newReferenceId } from "../../log.js";
import { DEFAULT_DM_TIME, HOME_ACTIONS } from "../../render/blocks/home.js";
import { StoreError } from "../../store/errors.js";
import type { SlackContext } from "../context.js";
import { type HomeActionArgs, publishHome, viewState } from "../home.js";
import { ackFirst } from "../middleware.js";

/*
 * The Home tab's settings: the daily DM on or off, and its time. Saved in the store, then the
 * view is published again with what was saved (no skeleton: the numbers have not changed).
 */

export function registerHomeSettings(app: App, ctx: SlackContext): void {
  app.action<BlockButtonAction>(HOME_ACTIONS.dmToggle, ackFirst, toggleDm(ctx));
  app.action<BlockStaticSelectAction>(HOME_ACTIONS.dmTime, ackFirst, chooseDmTime(ctx));
}

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function toggleDm(ctx: SlackContext) {
  return async ({ body, action, client }: HomeActionArgs<BlockButtonAction>) => {
    const userId = body.user.id;
    const value = action.value === "on" ? "on" : "off";
    await publishHome(client, ctx, userId, viewState(body), {
      cause: HOME_ACTIONS.dmToggle,
      skeleton: false,
      work: () =>
        save(ctx, userId, "change your daily DM", async (preferences) => {
          if ((ctx.dm?.mode ?? "off") === "off") {
            return "Daily DMs are not enabled by your admin.";
          }
          await preferences.setDmPreference(userId, value);
          return value === "on"
            ? ":white_check_mark: Daily DM on: a short summary of your Claude Code day each morning."
            : ":white_check_mark: Daily DM off.";
        }),
    });
  };
}

export function chooseDmTime(ctx: SlackContext) {
  return async ({ body, action, client }: HomeActionArgs<BlockStaticSelectAction>) => {
    const userId = body.user.id;
    const value = action.selected_option?.value ?? DEFAULT_DM_TIME;
    await publishHome(client, ctx, userId, viewState(body), {
      cause: HOME_ACTIONS.dmTime,
      skeleton: false,
      work: () =>
        save(ctx, userId, "change your DM time", async (preferences) => {
          const time = value === DEFAULT_DM_TIME || !HH_MM.test(value) ? undefined : value;
          await preferences.setDmTime(userId, time);
          const at = time ?? `${ctx.dm?.defaultTime ?? "09:00"}, the default`;
          return `:white_check_mark: Your daily DM comes at ${at}, in your Slack time zone.`;
        }),
    });
  };
}

/** A store write, its failure said in the viewer's words with a ref (the detail in the log). */
async function save(
  ctx: SlackContext,
  userId: string,
  what: string,
  write: (preferences: NonNullable<SlackContext["preferences"]>) => Promise<string>,
): Promise<string> {
  const preferences = ctx.preferences;
  if (!preferences) return "Daily DMs are not set up on this installation.";
  try {
    return await write(preferences);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    const ref = newReferenceId();
    ctx.logger.warn({ ref, user: userId, err: error }, "store failed; told the user");
    return `:warning: I couldn't ${what}: my database is not answering right now. Try again in a few minutes. (ref \`${ref}\`)`;
  }
}
