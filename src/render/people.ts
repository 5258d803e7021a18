import type { ActorRow } from "../usage/report.js";
import { escapeMrkdwn } from "./blocks/limits.js";

/*
 * How people and API keys are named on every surface. A person is their Slack display name when
 * their email is a Slack user, else their email; an API key is its name with a key before it.
 * A mention ("<@U…>") is only ever given for private surfaces (ephemeral replies, DMs, the Home
 * tab): the resolver (slack/mentions.ts) leaves it out for channel posts, so nothing here pings.
 */

/** What a renderer knows of a person beyond their email, resolved beforehand. */
export interface PersonName {
  /** Their Slack display name (or real name). */
  name: string;
  /** "<@U…>", only where a ping is wanted or harmless. */
  mention?: string | undefined;
}

/** A person's name by actor key ("user:ada@example.com"), or undefined when Slack has none. */
export type NameOf = (actor: Pick<ActorRow, "key">) => PersonName | undefined;

type Named = Pick<ActorRow, "key" | "type" | "name">;

/** The key mark, so that a key never reads as a person nor as code. */
export const KEY_MARK = "🔑";

/** The plain name: Slack name, else email; an API key as "🔑 name". For charts and CSV. */
export function actorName(actor: Named, names?: NameOf): string {
  if (actor.type === "api_key") return `${KEY_MARK} ${actor.name}`;
  return names?.(actor)?.name ?? actor.name;
}

/** In mrkdwn: a mention when one was resolved, else the escaped plain name. */
export function actorMrkdwn(actor: Named, names?: NameOf): string {
  if (actor.type === "api_key") return `${KEY_MARK} ${escapeMrkdwn(actor.name)}`;
  const person = names?.(actor);
  return person?.mention ?? escapeMrkdwn(person?.name ?? actor.name);
}

/**
 * For notification (fallback) text, which lock screens show: never an email. A person not in
 * Slack is the part of their email before the "@".
 */
export function actorShortName(actor: Named, names?: NameOf): string {
  if (actor.type === "api_key") return `${KEY_MARK} ${actor.name}`;
  return names?.(actor)?.name ?? withoutDomain(actor.name);
}

/** "ada@example.com" → "ada"; anything else unchanged. */
export function withoutDomain(email: string): string {
  const at = email.indexOf("@");
  return at > 0 ? email.slice(0, at) : email;
}
