import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { View, WebClient } from "@slack/web-api";
import {
  type HomeDmSettings,
  type HomeGroup,
  type HomeState,
  type HomeViewInput,
  homeErrorView,
  homeSkeleton,
  homeView,
  MY_LONG_PERIOD,
  readHomeState,
} from "../render/blocks/home.js";
import { formatBaseline } from "../render/format.js";
import { TeamNotFound, TeamsNotConfigured } from "../reports/index.js";
import { parsePeriod } from "../usage/periods.js";
import { UNASSIGNED } from "../usage/teams.js";
import type { SlackContext } from "./context.js";
import { slackErrorCode } from "./errors.js";
import { namesFor, peopleShown } from "./mentions.js";
import { COMMAND, failureMessage, seesFailureDetail } from "./report-messages.js";
import { personLookup } from "./user-directory.js";

/*
 * The Home tab's two steps, shared by its listeners: publish the skeleton at once (the tab is
 * never blank, a choice shows before the numbers), then the full view. The full view is
 * published with the skeleton's hash: when a later open or click has published since, Slack
 * answers hash_conflict and the older result is dropped, so the last one wins on any replica.
 */

/** What a Home tab action's callback reads: the click, the view it came from, a client. */
export type HomeActionArgs<A extends BlockAction> = Pick<
  SlackActionMiddlewareArgs<A>,
  "body" | "action"
> &
  Pick<AllMiddlewareArgs, "client">;

/** The state of the Home view the click came from (the default when Slack sent none). */
export function viewState(body: BlockAction): HomeState {
  return readHomeState(body.view?.private_metadata);
}

export interface PublishOptions {
  /** What the viewer did, for the logs ("app_home_opened", "home_period"…). */
  cause: string;
  /** A line under the controls in the skeleton ("Sending the charts…"). */
  pending?: string | undefined;
  /**
   * Work to do between the skeleton and the numbers (an upload, a saved setting); what it
   * returns is the line under the controls in the full view.
   */
  work?: (() => Promise<string | undefined>) | undefined;
  /** Publish no skeleton (a setting saved: the numbers have not changed). */
  skeleton?: boolean | undefined;
}

/** Publish the skeleton, then the Home tab for this viewer and state. Never throws. */
export async function publishHome(
  client: WebClient,
  ctx: SlackContext,
  userId: string,
  state: HomeState,
  options: PublishOptions,
): Promise<void> {
  const log = { user: userId, cause: options.cause };
  let hash: string | undefined;
  if (options.skeleton !== false) {
    // Published without a hash: a skeleton always shows (it only says "Loading…").
    const published = await publish(
      client,
      ctx,
      userId,
      homeSkeleton(state, { notice: options.pending }),
      log,
    );
    hash = published ?? undefined;
  }
  let notice: string | undefined;
  let view: View;
  try {
    notice = await options.work?.();
    view = homeView(await homeInput(userId, state, ctx, notice));
  } catch (error) {
    const failure = await failureMessage(error, ctx, log, {
      showDetail: await seesFailureDetail(ctx, userId),
      during: `opening the Home tab, by <@${userId}>`,
    });
    view = homeErrorView(state, failure.blocks);
  }
  await publish(client, ctx, userId, view, log, hash);
}

/**
 * One views.publish. Returns the published view's hash (undefined when Slack gave none or the
 * call failed: the next publish goes without one), or null when this result is stale.
 */
async function publish(
  client: WebClient,
  ctx: SlackContext,
  userId: string,
  view: View,
  log: Record<string, unknown>,
  hash?: string,
): Promise<string | undefined | null> {
  try {
    const result = await client.views.publish({
      user_id: userId,
      view,
      ...(hash ? { hash } : {}),
    });
    return result.view?.hash;
  } catch (error) {
    if (slackErrorCode(error) === "hash_conflict") {
      ctx.logger.debug(log, "Home tab changed since; a later publish wins");
      return null;
    }
    ctx.logger.warn({ ...log, err: error }, "could not publish the Home tab");
    return undefined;
  }
}

/** Everything the view shows, for this viewer: access decides which parts. */
export async function homeInput(
  userId: string,
  state: HomeState,
  ctx: SlackContext,
  notice?: string,
): Promise<HomeViewInput> {
  const now = ctx.now();
  const periodOptions = { now, timeZone: ctx.periods.timeZone, maxDays: ctx.periods.maxPeriodDays };
  const period = parsePeriod(state.p, periodOptions);
  const youPeriod = state.m ? parsePeriod(MY_LONG_PERIOD, periodOptions) : period;
  const denied = (what: string) => (error: unknown) => {
    ctx.logger.warn({ user: userId, err: error }, `could not check ${what}; assuming no`);
    return false;
  };
  const [email, canSeeOrg, isAdmin] = await Promise.all([
    ctx.directory.emailOf(userId),
    ctx.access.canSeeOrg(userId).catch(denied("org access")),
    ctx.access.isAdmin(userId).catch(denied("admin")),
  ]);
  const [you, teams, dm] = await Promise.all([
    email ? youOf(email, youPeriod, ctx, now) : undefined,
    teamChoices(email ?? undefined, canSeeOrg, period, ctx),
    dmSettings(userId, ctx),
  ]);
  const group = await groupOf(state, { canSeeOrg, teams: teams.led, all: teams.all }, period, ctx);
  return {
    state,
    now,
    you,
    group,
    canSeeOrg,
    isAdmin,
    teams: canSeeOrg ? teams.all : teams.led,
    dm,
    notice,
    finalAfterMs: ctx.periods.finalAfterMs,
    command: COMMAND,
  };
}

async function youOf(
  email: string,
  period: ReturnType<typeof parsePeriod>,
  ctx: SlackContext,
  now: Date,
): Promise<HomeViewInput["you"]> {
  // The org report with its baseline gives each fact's change; it is shared with the org part.
  const [mine, org] = await Promise.all([
    ctx.reports.personal(email, period, { lookBack: true }),
    ctx.reports.org(period),
  ]);
  return {
    ...mine,
    compared: org.actors.find((a) => a.key === mine.actorKey),
    baseline: formatBaseline(org, now),
  };
}

/** The teams the viewer may pick: every team for those who see the org, else those they lead. */
async function teamChoices(
  email: string | undefined,
  canSeeOrg: boolean,
  period: ReturnType<typeof parsePeriod>,
  ctx: SlackContext,
): Promise<{ all: string[]; led: string[] }> {
  const none = { all: [], led: [] };
  if (!ctx.reports.teamsConfigured) return none;
  if (!canSeeOrg && !(ctx.teamLeadsSeeTeam && email)) return none;
  try {
    const overview = await ctx.reports.teams(period);
    const all = overview.rows.map((r) => r.name).filter((name) => name !== UNASSIGNED);
    if (canSeeOrg || !email) return { all, led: [] };
    const leads = await Promise.all(all.map((name) => ctx.reports.leadsTeam(email, name)));
    return { all, led: all.filter((_, i) => leads[i]) };
  } catch (error) {
    if (error instanceof TeamsNotConfigured) return none;
    // Without the list the Home tab still shows the org: no team select this time.
    ctx.logger.warn({ err: error }, "could not list the teams for the Home tab");
    return none;
  }
}

/**
 * The org or a team: the team chosen when the viewer may see it (they see the org, or lead it
 * with TEAM_LEADS_SEE_TEAM), else the org for those who see it, else the first team they lead.
 */
async function groupOf(
  state: HomeState,
  viewer: { canSeeOrg: boolean; teams: readonly string[]; all: readonly string[] },
  period: ReturnType<typeof parsePeriod>,
  ctx: SlackContext,
): Promise<HomeGroup | undefined> {
  const chosen = state.t;
  const allowed = (team: string) =>
    viewer.canSeeOrg || viewer.teams.some((t) => t.toLowerCase() === team.toLowerCase());
  const team = chosen && allowed(chosen) ? chosen : viewer.canSeeOrg ? undefined : viewer.teams[0];
  if (team) {
    try {
      const { team: found, report } = await ctx.reports.team(team, period);
      return { kind: "team", team: found.name, report, names: await names(report, ctx) };
    } catch (error) {
      // A team renamed or gone since the view was published: the org, for those who see it.
      if (!(error instanceof TeamNotFound || error instanceof TeamsNotConfigured)) throw error;
      if (!viewer.canSeeOrg) return undefined;
    }
  }
  if (!viewer.canSeeOrg) return undefined;
  const report = await ctx.reports.org(period);
  return { kind: "org", report, names: await names(report, ctx) };
}

/** The Home tab is private: people by name, with mentions. */
async function names(report: Parameters<typeof peopleShown>[0], ctx: SlackContext) {
  return namesFor(peopleShown(report, 5), personLookup(ctx.directory), "private");
}

async function dmSettings(userId: string, ctx: SlackContext): Promise<HomeDmSettings | undefined> {
  const preferences = ctx.preferences;
  if (!preferences) return undefined;
  const dm = ctx.dm ?? { mode: "off", defaultTime: "09:00" };
  if (dm.mode === "off") return { ...dm, preference: undefined, time: undefined };
  try {
    const [preference, time, timeZone] = await Promise.all([
      preferences.getDmPreference(userId),
      preferences.getDmTime(userId),
      // The same users.info answer as the email's (kept a while): no extra wait.
      ctx.directory.timeZoneOf(userId),
    ]);
    return { ...dm, preference, time, timeZone: timeZone ?? undefined };
  } catch (error) {
    ctx.logger.warn({ user: userId, err: error }, "could not read DM settings for the Home tab");
    return { ...dm, preference: undefined, time: undefined, unreadable: true };
  }
}
