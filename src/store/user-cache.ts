/*
 * What the Slack user directory keeps of its answers (email → Slack user), in memory or in the
 * store, shared by replicas. Defined here, with the store that implements it, so that the store
 * needs nothing from the Slack side.
 */

export interface CachedUser {
  /** null: we asked, and this email is not a Slack user here. */
  userId: string | null;
  /**
   * Their Slack display name (else real name, else handle). Absent in entries kept before names
   * were: the directory then asks Slack again when it needs the name.
   */
  name?: string | undefined;
  /** Their Slack time zone (IANA, users.info `tz`); absent in older entries. */
  tz?: string | undefined;
}

export interface UserCache {
  get(key: string): Promise<CachedUser | undefined>;
  set(key: string, value: CachedUser, ttlMs: number): Promise<void>;
}
