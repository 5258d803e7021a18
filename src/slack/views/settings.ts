import { randomUUID } from "node:crypto";
import type {
  AllMiddlewareArgs,
  App,
  BlockAction,
  BlockButtonAction,
  SlackActionMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from "@slack/bolt";
import type { View, WebClient } from "@slack/web-api";
import { z } from "zod";
import {
  digestName,
  ORG_OPTION,
  renderSettingsRefusal,
  renderSettingsView,
  SETTINGS_CALLBACK_ID,
  SETTINGS_FIELDS,
  SETTINGS_REMOVE_ACTION,
  timeInZone,
  zoneName,
} from "../../render/blocks/subscriptions.js";
import { StoreError } from "../../store/errors.js";
import { CADENCES, type Cadence } from "../../store/subscriptions.js";
import { DEFAULT_BOT_NAME } from "../channels.js";
import type { SlackContext } from "../context.js";
import {
  channelProblem,
  isDigestAdmin,
  labelsFrom,
  notAnAdmin,
  resolveTeam,
  teamLabels,
} from "../digest-admin.js";
import { COMMAND } from "../report-messages.js";

/*
 * The admins' Settings modal: opened by the Home tab's Settings button (`home_settings`) and by
 * `/claude-usage settings`. It lists the digest subscriptions, each with a Remove button that
 * updates the modal, and a form whose submission adds one — or answers with the field's error
 * (the bot not in the channel, a duplicate), as Slack shows errors under the field.
 */

/** The Home tab's Settings button (rendered by the Home tab for admins). */
export const HOME_SETTINGS_ACTION = "home_settings";

type ViewsClient = Pick<WebClient, "views" | "users">;

const DEFAULT_TIME = { time: "09:00", timeZone: "UTC" };

/** The modal as it stands now: the store's subscriptions, the org's teams, the zones to offer. */
export async function settingsView(
  ctx: SlackContext,
  client: Pick<WebClient, "users">,
  userId: string,
  options: { notice?: string | undefined; formKey?: string | undefined } = {},
): Promise<View> {
  const defaults = ctx.digestDefaults ?? DEFAULT_TIME;
  const [subscriptions, teams, userZone, botName] = await Promise.all([
    ctx.subscriptions?.list() ?? [],
    ctx.reports.teamNames().catch(() => [] as string[]),
    zoneOf(client, userId),
    ctx.channels?.botName() ?? DEFAULT_BOT_NAME,
  ]);
  const zones = [
    { zone: defaults.timeZone, label: `${zoneName(defaults.timeZone)} (the digests' zone)` },
    ...(userZone ? [{ zone: userZone, label: `${zoneName(userZone)} (yours)` }] : []),
    { zone: "UTC", label: "UTC" },
  ].filter((z, i, all) => all.findIndex((o) => o.zone === z.zone) === i);
  return renderSettingsView({
    subscriptions,
    teams,
    defaults,
    zones,
    notice: options.notice,
    formKey: options.formKey ?? newFormKey(),
    command: COMMAND,
    botName,
    teamLabel: labelsFrom(teams),
  });
}

/** The person's Slack time zone, if Slack says (a failure just leaves it out). */
async function zoneOf(client: Pick<WebClient, "users">, userId: string) {
  try {
    const { user } = await client.users.info({ user: userId });
    return user?.tz;
  } catch {
    return undefined;
  }
}

const newFormKey = () => randomUUID().slice(0, 8);

/**
 * Opens Settings for an admin: `undefined` when opened, else why not — for a slash command to
 * reply with, or (`refuseInModal`, a Home tab button, which has no reply) shown in a small modal.
 */
export async function openSettings(
  ctx: SlackContext,
  client: ViewsClient,
  asked: { userId: string; triggerId: string; refuseInModal?: boolean },
): Promise<string | undefined> {
  const refusal = !ctx.subscriptions
    ? "Digest subscriptions need the app's store, which is not set up here."
    : !(await isDigestAdmin(ctx, asked.userId))
      ? notAnAdmin(ctx)
      : undefined;
  if (refusal !== undefined) {
    if (asked.refuseInModal) {
      await client.views.open({
        trigger_id: asked.triggerId,
        view: renderSettingsRefusal(refusal),
      });
    }
    return refusal;
  }
  // A trigger_id lasts 3 s: the view is built first, from the store and Slack.
  const view = await settingsView(ctx, client, asked.userId);
  await client.views.open({ trigger_id: asked.triggerId, view });
  return undefined;
}

/** The Home tab's Settings button. */
export function openSettingsFromHome(ctx: SlackContext) {
  return async ({
    body,
    client,
  }: Pick<SlackActionMiddlewareArgs<BlockAction>, "body"> & { client: ViewsClient }) => {
    try {
      await openSettings(ctx, client, {
        userId: body.user.id,
        triggerId: body.trigger_id,
        refuseInModal: true,
      });
    } catch (error) {
      ctx.logger.warn({ err: error, user: body.user.id }, "could not open Settings");
    }
  };
}

const metadataSchema = z.object({ form: z.string().max(40) });

function formKeyOf(view: { private_metadata?: string } | undefined): string | undefined {
  try {
    return metadataSchema.parse(JSON.parse(view?.private_metadata ?? "")).form;
  } catch {
    return undefined;
  }
}

/** A Remove button in the modal: removes that subscription, and shows the list without it. */
export function removeFromSettings(ctx: SlackContext) {
  return async ({
    body,
    action,
    client,
  }: Pick<SlackActionMiddlewareArgs<BlockButtonAction>, "body" | "action"> & {
    client: ViewsClient;
  }) => {
    const userId = body.user.id;
    const viewId = body.view?.id;
    if (!viewId) return;
    const formKey = formKeyOf(body.view);
    let notice: string;
    try {
      if (!ctx.subscriptions) return;
      if (!(await isDigestAdmin(ctx, userId))) notice = notAnAdmin(ctx);
      else {
        const found = (await ctx.subscriptions.list()).find((s) => s.id === action.value);
        if (!found) notice = "That digest was already removed.";
        else {
          await ctx.subscriptions.remove(found);
          const label = await teamLabels(ctx);
          notice = `:white_check_mark: Removed: <#${found.channel}> no longer gets ${digestName(found.cadence, found.team && label(found.team))}.`;
          ctx.logger.info({ user: userId, subscription: found }, "digest unsubscribed in Settings");
        }
      }
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      ctx.logger.warn({ err: error, user: userId }, "could not remove a subscription");
      notice = `:warning: I couldn't ${error.operation}: my database is ${error.unreachable ? "not answering" : "refusing it"}. Try again in a few minutes.`;
    }
    // No hash: the view is drawn from the store, so the latest drawing is the right one.
    await client.views.update({
      view_id: viewId,
      view: await settingsView(ctx, client, userId, { notice, formKey }),
    });
  };
}

/** One input's value as Slack sends it in `view.state.values`. */
interface InputValue {
  selected_conversation?: string | null;
  selected_option?: { value: string } | null;
  selected_time?: string | null;
}

/** The Add form's fields, read by block id prefix (the form key follows it). */
function readForm(values: Record<string, Record<string, InputValue>>) {
  const field = (prefix: string): { blockId: string; value: InputValue } | undefined => {
    for (const [blockId, actions] of Object.entries(values)) {
      if (blockId.startsWith(`${prefix}.`)) {
        const value = Object.values(actions)[0];
        if (value) return { blockId, value };
      }
    }
    return undefined;
  };
  return {
    channel: field(SETTINGS_FIELDS.channel),
    cadence: field(SETTINGS_FIELDS.cadence),
    team: field(SETTINGS_FIELDS.team),
    time: field(SETTINGS_FIELDS.time),
    zone: field(SETTINGS_FIELDS.zone),
  };
}

type SubmitAck = (
  response:
    | { response_action: "errors"; errors: Record<string, string> }
    | { response_action: "update"; view: View },
) => Promise<void>;

/**
 * The Add form's submission: checked (admin, team, the bot in the channel, not a duplicate)
 * before the answer, since Slack shows errors only in the acknowledgement.
 */
export function submitSettings(ctx: SlackContext) {
  return async ({
    body,
    view,
    ack,
    client,
  }: Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, "body" | "view"> & {
    ack: SubmitAck;
    client: ViewsClient;
  }) => {
    const userId = body.user.id;
    const form = readForm(view.state.values as Record<string, Record<string, InputValue>>);
    const channelBlock = form.channel?.blockId ?? `${SETTINGS_FIELDS.channel}.${formKeyOf(view)}`;
    const fail = (error: string, blockId = channelBlock) =>
      ack({ response_action: "errors", errors: { [blockId]: error.slice(0, 300) } });
    try {
      if (!ctx.subscriptions) return await fail("Subscriptions need the app's store.");
      if (!(await isDigestAdmin(ctx, userId)))
        return await fail("Only admins can add digests (ADMIN_USERS, or a workspace admin).");
      const channel = form.channel?.value.selected_conversation;
      if (!channel) return await fail("Pick a channel.");
      const cadence = form.cadence?.value.selected_option?.value as Cadence | undefined;
      if (!cadence || !CADENCES.includes(cadence)) {
        return await fail("Pick daily, weekly or monthly.", form.cadence?.blockId);
      }
      const time = form.time?.value.selected_time ?? ctx.digestDefaults?.time ?? "09:00";
      if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        return await fail("Pick a time.", form.time?.blockId);
      }
      const timeZone =
        form.zone?.value.selected_option?.value ?? ctx.digestDefaults?.timeZone ?? "UTC";
      const teamValue = form.team?.value.selected_option?.value ?? ORG_OPTION;
      const team = await resolveTeam(
        ctx,
        teamValue === ORG_OPTION ? undefined : teamValue.replace(/^team:/, ""),
      );
      if (!team.ok) return await fail(stripMrkdwn(team.problem), form.team?.blockId);

      const [access, botName] = await Promise.all([
        ctx.channels?.access(channel) ?? { ok: true as const },
        ctx.channels?.botName() ?? DEFAULT_BOT_NAME,
      ]);
      const problem = channelProblem(access, channel, botName, true);
      if (problem) return await fail(problem);

      const result = await ctx.subscriptions.add({
        channel,
        cadence,
        team: team.team,
        time,
        timeZone,
        createdBy: userId,
      });
      if (!result.added) {
        const e = result.existing;
        return await fail(
          `That channel already gets ${digestName(cadence, team.name)}, at ${timeInZone(e.time, e.timeZone)}. Remove it above to change it.`,
        );
      }
      ctx.logger.info(
        { user: userId, subscription: result.subscription },
        "digest subscribed in Settings",
      );
      const notice = `:white_check_mark: Added: <#${channel}> gets ${digestName(cadence, team.name)} at ${timeInZone(time, timeZone)}.`;
      // A new form key: an empty form for the next one.
      await ack({
        response_action: "update",
        view: await settingsView(ctx, client, userId, { notice }),
      });
    } catch (error) {
      ctx.logger.warn({ err: error, user: userId }, "could not add a subscription from Settings");
      await fail(
        error instanceof StoreError
          ? `I couldn't ${error.operation}: my database is ${error.unreachable ? "not answering" : "refusing it"}. Try again in a few minutes.`
          : "Something went wrong on my side (Slack or the app). Try again in a moment.",
      );
    }
  };
}

/** A reply's mrkdwn as plain text for a field error (Slack shows those as they are). */
function stripMrkdwn(text: string): string {
  return text.replace(/`/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

export function registerSettingsView(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(HOME_SETTINGS_ACTION, async (args) => {
    await args.ack();
    await openSettingsFromHome(ctx)(args);
  });
  app.action<BlockButtonAction>(SETTINGS_REMOVE_ACTION, async (args) => {
    await args.ack();
    await removeFromSettings(ctx)(args);
  });
  app.view<ViewSubmitAction>(
    SETTINGS_CALLBACK_ID,
    async (args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs) => {
      await submitSettings(ctx)({ ...args, ack: args.ack as SubmitAck });
    },
  );
}
