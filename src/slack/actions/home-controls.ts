import type { App, BlockButtonAction, BlockStaticSelectAction } from "@slack/bolt";
import {
  HOME_ACTIONS,
  HOME_PERIODS,
  type HomePeriod,
  ORG_CHOICE,
  readHomeState,
} from "../../render/blocks/home.js";
import type { SlackContext } from "../context.js";
import { type HomeActionArgs, publishHome, viewState } from "../home.js";
import { ackFirst } from "../middleware.js";

/*
 * The Home tab's controls: the period, the team, "My last 30 days". Each reads the viewer's state
 * from the view Slack sends with the click (or the button's value), changes one thing, and
 * publishes the loading state at once, then the numbers. Nothing is kept in the process.
 */

export function registerHomeControls(app: App, ctx: SlackContext): void {
  app.action<BlockStaticSelectAction>(HOME_ACTIONS.period, ackFirst, choosePeriod(ctx));
  app.action<BlockStaticSelectAction>(HOME_ACTIONS.team, ackFirst, chooseTeam(ctx));
  app.action<BlockButtonAction>(HOME_ACTIONS.mine, ackFirst, toggleMine(ctx));
}

export function choosePeriod(ctx: SlackContext) {
  return async ({ body, action, client }: HomeActionArgs<BlockStaticSelectAction>) => {
    const value = action.selected_option?.value;
    const state = viewState(body);
    if (HOME_PERIODS.includes(value as HomePeriod)) state.p = value as HomePeriod;
    await publishHome(client, ctx, body.user.id, state, { cause: HOME_ACTIONS.period });
  };
}

export function chooseTeam(ctx: SlackContext) {
  return async ({ body, action, client }: HomeActionArgs<BlockStaticSelectAction>) => {
    const value = action.selected_option?.value ?? ORG_CHOICE;
    const state = viewState(body);
    // Whether the viewer may see that team is decided when the view is built, not here.
    if (value.startsWith("t:")) {
      state.t = value.slice(2);
      state.g = "team";
    } else {
      delete state.t;
      state.g = "org";
    }
    await publishHome(client, ctx, body.user.id, state, { cause: HOME_ACTIONS.team });
  };
}

export function toggleMine(ctx: SlackContext) {
  return async ({ body, action, client }: HomeActionArgs<BlockButtonAction>) => {
    // The button carries the state it leads to; an old or odd value is the default view.
    const state = readHomeState(action.value);
    await publishHome(client, ctx, body.user.id, state, { cause: HOME_ACTIONS.mine });
  };
}
