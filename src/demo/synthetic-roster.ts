import type { ApiKeyInfo, Member, RosterList } from "../anthropic/roster.js";
import { apiKeyKey, userKey } from "../usage/actor-key.js";
import type { Membership, TeamLead } from "../usage/teams.js";
import type { SyntheticOrg } from "./synthetic-org.js";

/*
 * The demo organisation's roster and teams, so that `--demo` shows seats and teams too: every
 * synthetic person is a member, plus a few who never use Claude Code; four teams, a few people in
 * two, the API keys in Platform, and some people in no team (Unassigned).
 */

export const DEMO_TEAMS = ["Backend", "Platform", "Mobile", "Data"] as const;
/** Members who have a seat and never use it. */
const IDLE_MEMBERS = ["pat.idle", "sam.never", "lee.someday"];

export interface SyntheticRoster {
  listMembers(): Promise<RosterList<Member>>;
  listApiKeys(): Promise<RosterList<ApiKeyInfo>>;
  teams: { memberships: Membership[]; leads: TeamLead[] };
}

export function createSyntheticRoster(org: SyntheticOrg): SyntheticRoster {
  const displayName = (email: string) =>
    (email.split("@")[0] ?? email)
      .split(".")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
      .join(" ");
  const members: Member[] = [
    ...Array.from({ length: org.users }, (_, i) => org.email(i)),
    ...IDLE_MEMBERS.map((local) => `${local}@example.com`),
  ].map((email, i) => ({
    id: `user_demo_${String(i).padStart(4, "0")}`,
    email,
    name: displayName(email),
    role: i === 0 ? "admin" : "developer",
    added_at: "2026-01-05T09:00:00Z",
  }));
  const apiKeys: ApiKeyInfo[] = Array.from({ length: org.apiKeys }, (_, i) => ({
    id: `apikey_demo_${i}`,
    name: org.apiKeyName(i),
    workspace_id: "wrkspc_demo_ci",
    created_at: "2026-02-01T09:00:00Z",
    status: "active",
    created_by: { id: members[0]?.id ?? "user_demo_0000", type: "user" },
  }));

  const memberships: Membership[] = [];
  for (let i = 0; i < org.users; i++) {
    // One in eight in no team; one in ten in a second team as well.
    if (i % 8 === 7) continue;
    const actorKey = userKey(org.email(i));
    memberships.push({ actorKey, team: DEMO_TEAMS[i % DEMO_TEAMS.length] ?? "Backend" });
    if (i % 10 === 3) {
      memberships.push({ actorKey, team: DEMO_TEAMS[(i + 1) % DEMO_TEAMS.length] ?? "Platform" });
    }
  }
  for (let i = 0; i < org.apiKeys; i++) {
    memberships.push({ actorKey: apiKeyKey(org.apiKeyName(i)), team: "Platform" });
  }
  const leads = DEMO_TEAMS.map((team, i) => ({ team, email: org.email(i) }));

  return {
    listMembers: async () => ({ items: members, invalid: 0 }),
    listApiKeys: async () => ({ items: apiKeys, invalid: 0 }),
    teams: { memberships, leads },
  };
}
