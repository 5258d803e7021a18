import type { WebClient } from "@slack/web-api";

/*
 * Who may see org-wide numbers (costs, leaderboards). ALLOWED_USERS and ALLOWED_USERGROUP add up;
 * with neither set, everyone may. Everyone may always see their own numbers.
 */

export interface AccessPolicy {
  canSeeOrg(userId: string): Promise<boolean>;
  /**
   * May manage digest subscriptions and the app's settings: ADMIN_USERS (ALLOWED_USERS when it
   * is unset), and the workspace's admins and owners.
   */
  isAdmin(userId: string): Promise<boolean>;
  /** Who is an admin by configuration (ADMIN_USERS, else ALLOWED_USERS), to name in refusals. */
  readonly adminIds?: readonly string[] | undefined;
  /** True when a rule is configured (for help texts). */
  readonly restricted: boolean;
}

export interface AccessOptions {
  allowedUsers?: readonly string[] | undefined;
  allowedUsergroup?: string | undefined;
  /** ADMIN_USERS; when empty, `allowedUsers` are the admins. */
  adminUsers?: readonly string[] | undefined;
  client: WebClient;
  /** How long a user group's member list is reused. */
  groupTtlMs?: number | undefined;
  onError?: ((error: unknown) => void) | undefined;
  now?: (() => number) | undefined;
}

export function createAccessPolicy(options: AccessOptions): AccessPolicy {
  const users = new Set(options.allowedUsers ?? []);
  const group = options.allowedUsergroup;
  const ttl = options.groupTtlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  let members: { ids: Set<string>; expiresAt: number } | undefined;

  async function groupMembers(): Promise<Set<string>> {
    if (!group) return new Set();
    if (members && members.expiresAt > now()) return members.ids;
    try {
      const result = await options.client.usergroups.users.list({ usergroup: group });
      members = { ids: new Set(result.users ?? []), expiresAt: now() + ttl };
    } catch (error) {
      options.onError?.(error);
      // Fail closed, but keep a stale list if we had one: a Slack hiccup should not lock people out.
      if (!members) return new Set();
    }
    return members.ids;
  }

  const admins = new Set(
    (options.adminUsers?.length ?? 0) > 0 ? options.adminUsers : (options.allowedUsers ?? []),
  );
  const workspaceAdmins = new Map<string, { admin: boolean; expiresAt: number }>();

  /** Workspace admins and owners (users.info), remembered a while; unknown is "no". */
  async function isWorkspaceAdmin(userId: string): Promise<boolean> {
    const known = workspaceAdmins.get(userId);
    if (known && known.expiresAt > now()) return known.admin;
    try {
      const { user } = await options.client.users.info({ user: userId });
      const admin = !!(user?.is_admin || user?.is_owner || user?.is_primary_owner);
      workspaceAdmins.set(userId, { admin, expiresAt: now() + ttl });
      return admin;
    } catch (error) {
      options.onError?.(error);
      return known?.admin ?? false;
    }
  }

  const restricted = users.size > 0 || !!group;
  return {
    restricted,
    adminIds: [...admins],
    async isAdmin(userId) {
      return admins.has(userId) || (await isWorkspaceAdmin(userId));
    },
    async canSeeOrg(userId) {
      if (!restricted) return true;
      if (users.has(userId)) return true;
      return (await groupMembers()).has(userId);
    },
  };
}
