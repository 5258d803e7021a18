import pLimit from "p-limit";
import type { NameOf, PersonName } from "../render/people.js";
import type { ActorRow, UsageReport } from "../usage/report.js";
import type { SlackPerson } from "./user-directory.js";

/*
 * The people resolver: for the people a message will show, their Slack names, each email looked
 * up (the directory caches), a few at a time. People not in Slack get none and are shown by
 * email. Mentions ("<@U…>") only when the surface is private (an ephemeral reply, a DM, the Home
 * tab): a channel post names people in plain text and never pings them.
 */

/** Where a message goes: only a private one may carry mentions. */
import type { Audience } from "../render/blocks/org-report.js";

export type { Audience };

export async function namesFor(
  actors: Iterable<Pick<ActorRow, "key" | "type" | "name">>,
  lookup: (email: string) => Promise<SlackPerson | null>,
  audience: Audience,
): Promise<NameOf> {
  const limit = pLimit(5);
  const found = new Map<string, PersonName>();
  const people = new Map<string, string>();
  for (const actor of actors) if (actor.type === "user") people.set(actor.key, actor.name);
  await Promise.all(
    [...people].map(([key, email]) =>
      limit(async () => {
        const person = await lookup(email);
        if (!person) return;
        const mention = audience === "private" ? `<@${person.userId}>` : undefined;
        // Without a name (an old cache entry Slack could not refresh) a channel shows the email.
        if (person.name) found.set(key, { name: person.name, mention });
        else if (mention) found.set(key, { name: email, mention });
      }),
    ),
  );
  return (actor) => found.get(actor.key);
}

type Shown = Pick<ActorRow, "key" | "type" | "name">;

/** The people an org report names: its top `top` by spend, and the newcomers it lists. */
export function peopleShown(
  report: Pick<UsageReport, "actors" | "adoption">,
  top: number,
): Shown[] {
  const newcomers = (report.adoption?.newUsers ?? [])
    .slice(0, 5)
    .map((email): Shown => ({ key: `user:${email}`, type: "user", name: email }));
  return [...report.actors.slice(0, top), ...newcomers];
}
