import type { AllMiddlewareArgs, RespondFn } from "@slack/bolt";
import { renderNotAllowed } from "../render/blocks/index.js";
import type { SlackContext } from "./context.js";
import { COMMAND } from "./report-messages.js";

/*
 * Listener middleware shared by the surfaces: acknowledge at once (Slack gives 3 s, and the
 * access check may ask Slack for a user group), then one access rule for org-wide numbers.
 */

interface Acknowledged {
  ack(): Promise<void>;
}

/** Acks before anything else runs; the listener after it must not ack again. */
export async function ackFirst({ ack, next }: Acknowledged & AllMiddlewareArgs): Promise<void> {
  await ack();
  await next();
}

interface Requester {
  respond: RespondFn;
  body: { user_id?: string; user?: { id: string } };
}

/**
 * Who may see org-wide numbers (ALLOWED_USERS, ALLOWED_USERGROUP): when `needsOrg` says the
 * request shows them and the requester may not, they are told so (ephemerally) and the listener
 * does not run. The one place the rule is applied.
 */
export function orgAccessOnly<Args extends Requester>(
  ctx: Pick<SlackContext, "access">,
  needsOrg: (args: Args) => boolean | Promise<boolean> = () => true,
) {
  return async (args: Args & AllMiddlewareArgs): Promise<void> => {
    const userId = args.body.user_id ?? args.body.user?.id ?? "";
    if ((await needsOrg(args)) && !(await ctx.access.canSeeOrg(userId))) {
      await args.respond({
        response_type: "ephemeral",
        replace_original: false,
        ...renderNotAllowed(COMMAND),
      });
      return;
    }
    await args.next();
  };
}
