import type { RespondFn } from "@slack/bolt";
import type { SlackMessage } from "../render/blocks/limits.js";

/** How long an answer may take before the person is told it is on its way. */
export const STILL_FETCHING_AFTER_MS = 2000;

/**
 * Post `answer` (ephemeral) through response_url. If it is not ready within `afterMs` — a cold
 * 30-day report, or an API that hangs until the client gives up — post `note` first, and make the
 * answer replace it, so that nobody waits minutes in silence and the channel keeps one message.
 * `answer` must not reject: failures are answers too (failureMessage).
 */
export async function respondWithProgress(
  respond: RespondFn,
  answer: Promise<SlackMessage>,
  options: {
    afterMs: number;
    note: () => SlackMessage;
    onNoteError: (error: unknown) => void;
    /**
     * Whether the answer replaces the note (default true). A button's response_url "original"
     * is the message the button is on (a digest), not the note: clicks post both as new messages.
     */
    replaceNote?: boolean | undefined;
  },
): Promise<void> {
  const replaceNote = options.replaceNote ?? true;
  // Never replace the message a clicked button is on.
  const fresh = replaceNote ? {} : { replace_original: false };
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<"slow">((resolve) => {
    timer = setTimeout(() => resolve("slow"), options.afterMs);
  });
  const first = await Promise.race([answer.then(() => "ready" as const), slow]);
  clearTimeout(timer);
  let noted = false;
  if (first === "slow") {
    try {
      await respond({ response_type: "ephemeral", ...fresh, ...options.note() });
      noted = true;
    } catch (error) {
      options.onNoteError(error);
    }
  }
  const message = await answer;
  await respond({
    response_type: "ephemeral",
    ...fresh,
    ...(noted && replaceNote ? { replace_original: true } : {}),
    ...message,
  });
}
