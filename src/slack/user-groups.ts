import type { WebClient } from "@slack/web-api";
import { userKey } from "../usage/actor-key.js";
import type { Membership, TeamLead } from "../usage/teams.js";

/*
 * Teams from Slack user groups (TEAMS_FROM_USERGROUPS): each group is a team named by its name
 * and found by its handle; its members are matched to Anthropic's emails through their Slack
 * profiles (one pass over users.list, rather than a users.info per member).
 */

export interface UserGroupTeams {
  memberships: Membership[];
  /** Each group's creator leads its team (TEAM_LEADS_SEE_TEAM), when Slack says who it was. */
  leads: TeamLead[];
  /** Handles or ids asked for that Slack does not know (or that are disabled). */
  notFound: string[];
  /** Members Slack shows no email for (bots, or an app without users:read.email). */
  withoutEmail: number;
}

/** `wanted`: "all", or handles (with or without @) and ids. */
export async function teamsFromUserGroups(
  client: WebClient,
  wanted: "all" | readonly string[],
): Promise<UserGroupTeams> {
  const listed = await client.usergroups.list({ include_users: true, include_disabled: false });
  const groups = (listed.usergroups ?? []).filter((g) => g.id && g.handle && !g.date_delete);
  const norm = (s: string) => s.trim().replace(/^@/, "").toLowerCase();
  const asked = wanted === "all" ? undefined : new Set(wanted.map(norm));
  const chosen = asked
    ? groups.filter((g) => asked.has(norm(g.handle ?? "")) || asked.has(norm(g.id ?? "")))
    : groups;
  const notFound = asked
    ? [...asked].filter(
        (a) => !chosen.some((g) => norm(g.handle ?? "") === a || norm(g.id ?? "") === a),
      )
    : [];

  const emails = await emailsOfUsers(client);
  const memberships: Membership[] = [];
  const leads: TeamLead[] = [];
  let withoutEmail = 0;
  for (const group of chosen) {
    const creator = group.created_by ? emails.get(group.created_by) : undefined;
    if (creator) leads.push({ team: group.name || group.handle || "", email: creator });
    for (const userId of group.users ?? []) {
      const email = emails.get(userId);
      if (!email) {
        withoutEmail++;
        continue;
      }
      memberships.push({
        actorKey: userKey(email),
        team: group.name || group.handle || "",
        handle: group.handle,
      });
    }
  }
  return { memberships, leads, notFound, withoutEmail };
}

/** Every active Slack user's email, by user id. */
async function emailsOfUsers(client: WebClient): Promise<Map<string, string>> {
  const emails = new Map<string, string>();
  for await (const page of client.paginate("users.list", { limit: 200 })) {
    const members = (
      page as { members?: { id?: string; deleted?: boolean; profile?: { email?: string } }[] }
    ).members;
    for (const user of members ?? []) {
      const email = user.profile?.email?.trim().toLowerCase();
      if (user.id && email && !user.deleted) emails.set(user.id, email);
    }
  }
  return emails;
}
