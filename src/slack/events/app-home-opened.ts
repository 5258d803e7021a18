import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from "@slack/bolt";
import { readHomeState } from "../../render/blocks/home.js";
import type { SlackContext } from "../context.js";
import { publishHome } from "../home.js";

/**
 * The Home tab, when opened: the skeleton at once, then the dashboard. The viewer's last choices
 * (period, team) come back with the view Slack sends in the event.
 */
export function registerAppHomeOpened(app: App, ctx: SlackContext): void {
  app.event("app_home_opened", openHome(ctx));
}

export function openHome(ctx: SlackContext) {
  return async ({
    event,
    client,
  }: Pick<SlackEventMiddlewareArgs<"app_home_opened">, "event"> &
    Pick<AllMiddlewareArgs, "client">): Promise<void> => {
    if (event.tab !== "home") return;
    const state = readHomeState(event.view?.private_metadata);
    await publishHome(client, ctx, event.user, state, { cause: "app_home_opened" });
  };
}
