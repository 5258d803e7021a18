import { z } from "zod";

/*
 * The organisation's roster from the Admin API: its members (GET /v1/organizations/users) and its
 * API keys (GET /v1/organizations/api_keys). Both are lists paged by `after_id`/`last_id`.
 *
 * Tolerant as the usage schema is: unknown fields are dropped, optional ones may be missing or
 * null, and an entry we cannot read is counted, not fatal.
 */

const text = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const memberSchema = z.object({
  id: z.string(),
  email: z.string().transform((email) => email.trim().toLowerCase()),
  name: text,
  /** user, developer, billing, admin, claude_code_user… (new roles appear: kept as text). */
  role: text,
  /** RFC 3339 */
  added_at: text,
});
export type Member = z.infer<typeof memberSchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  workspace_id: text,
  created_at: text,
  /** active, inactive, archived… */
  status: text,
  created_by: z
    .object({ id: z.string().nullish(), type: z.string().nullish() })
    .nullish()
    .transform((by) => (by?.id ? { id: by.id, type: by.type ?? null } : null)),
});
export type ApiKeyInfo = z.infer<typeof apiKeySchema>;

/** A page of any of these lists: `data` stays unknown[] so that one odd entry is not fatal. */
export const listPageSchema = z.object({
  data: z.array(z.unknown()),
  has_more: z.boolean(),
  first_id: z.string().nullish(),
  last_id: z.string().nullish(),
});
export type ListPage = z.infer<typeof listPageSchema>;

export interface RosterList<T> {
  items: T[];
  /** Entries we could not read: counted, never silently dropped. */
  invalid: number;
}

/** Reads the entries of one page; the ones that do not fit the schema are counted. */
export function readEntries<T>(schema: z.ZodType<T>, data: readonly unknown[]): RosterList<T> {
  const items: T[] = [];
  let invalid = 0;
  for (const entry of data) {
    const parsed = schema.safeParse(entry);
    if (parsed.success) items.push(parsed.data);
    else invalid++;
  }
  return { items, invalid };
}
