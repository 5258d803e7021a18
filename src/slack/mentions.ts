import pLimit from "p-limit";
import type { ActorRow } from "../usage/report.js";

/**
 * Slack mentions for the people a message will show: each email looked up (the lookup caches),
 * a few at a time. People not in Slack get none and are shown by email.
 */
export async function mentionsFor(
  actors: Iterable<Pick<ActorRow, "key" | "type" | "name">>,
  lookup: (email: string) => Promise<string | null>,
): Promise<(actor: Pick<ActorRow, "key">) => string | undefined> {
  const limit = pLimit(5);
  const found = new Map<string, string>();
  await Promise.all(
    [...actors]
      .filter((actor) => actor.type === "user")
      .map((actor) =>
        limit(async () => {
          const userId = await lookup(actor.name);
          if (userId) found.set(actor.key, `<@${userId}>`);
        }),
      ),
  );
  return (actor) => found.get(actor.key);
}
