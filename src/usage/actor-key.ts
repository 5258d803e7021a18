import type { UsageRecord } from "../anthropic/schema.js";

/*
 * Who an actor is: the key that names a person or an API key across days, periods, budgets and
 * Slack. Every key is made here — `user:<lower-case email>`, `api_key:<key name>`, and for an
 * actor type the API may add later `<type>:<label>` — and read back here.
 */

export type ActorType = "user" | "api_key" | "other";

const USER = "user:";
const API_KEY = "api_key:";

/** A person's key. Emails compare case-insensitively. */
export const userKey = (email: string): string => `${USER}${email.toLowerCase()}`;

/** An API key's key, by the key's name as the API spells it. */
export const apiKeyKey = (name: string): string => `${API_KEY}${name}`;

/** An actor of a type we do not know yet, labelled by whatever identifies it. */
export const otherKey = (type: string, label: string): string => `${type}:${label}`;

export type ParsedActorKey =
  | { type: "user"; email: string }
  | { type: "api_key"; name: string }
  | { type: "other"; key: string };

/**
 * What a key names. An unknown actor type spelled like ours (`user:…`) reads as a person: the
 * aggregates keep such keys apart by their type, not by their spelling.
 */
export function parseActorKey(key: string): ParsedActorKey {
  if (key.startsWith(USER)) return { type: "user", email: key.slice(USER.length) };
  if (key.startsWith(API_KEY)) return { type: "api_key", name: key.slice(API_KEY.length) };
  return { type: "other", key };
}

/** Identity of an API actor. API keys stay apart from people. */
export function actorIdentity(actor: UsageRecord["actor"]): {
  key: string;
  type: ActorType;
  name: string;
} {
  const email = actor.email_address?.trim();
  const keyName = actor.api_key_name?.trim();
  if (actor.type === "user_actor" && email) {
    const name = email.toLowerCase();
    return { key: userKey(name), type: "user", name };
  }
  if (actor.type === "api_actor" && keyName) {
    return { key: apiKeyKey(keyName), type: "api_key", name: keyName };
  }
  // An actor type we do not know yet: keep it, labelled by whatever identifies it.
  if (email) return { key: userKey(email), type: "user", name: email.toLowerCase() };
  if (keyName) return { key: apiKeyKey(keyName), type: "api_key", name: keyName };
  const label = firstStringField(actor) ?? "unknown";
  return { key: otherKey(actor.type, label), type: "other", name: `${actor.type} ${label}` };
}

function firstStringField(actor: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(actor)) {
    if (key !== "type" && typeof value === "string" && value.trim()) return value.trim();
  }
  return undefined;
}
