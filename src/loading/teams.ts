import { z } from "zod";
import type { Snapshots } from "../store/snapshots.js";
import { buildRoster, type Membership, type TeamLead, type TeamRoster } from "../usage/teams.js";
import { createKeptCopy } from "./kept-copy.js";

/*
 * The teams the reports use: the teams file (read once, at start-up, by the caller) and Slack user
 * groups (read every few hours, kept in the store's snapshots so that replicas and restarts share
 * one copy). When Slack fails, the last copy is used; with none, the file's teams alone.
 */

export const USER_GROUPS_MAX_AGE_MS = 6 * 60 * 60_000;

export interface TeamsFromGroups {
  memberships: Membership[];
  /** The groups' creators, who lead their teams. */
  leads?: TeamLead[] | undefined;
}

export interface TeamsLoaderOptions {
  /** Memberships and leads from TEAMS_FILE, already read and checked. */
  file?: { memberships: Membership[]; leads: TeamLead[] } | undefined;
  /** Reads the Slack user groups (TEAMS_FROM_USERGROUPS); absent when not configured. */
  userGroups?: (() => Promise<TeamsFromGroups>) | undefined;
  snapshots?: Snapshots | undefined;
  maxAgeMs?: number | undefined;
  now?: (() => number) | undefined;
  /** Told when Slack or the store fails (the teams still load from what there is). */
  onError?: ((operation: string, error: unknown) => void) | undefined;
}

export interface TeamsView {
  roster: TeamRoster;
  /** When the user groups were read, epoch ms (undefined: none configured or none ever read). */
  groupsReadAt: number | undefined;
}

export interface TeamsLoader {
  /** Whether any source of teams is configured (without one, team commands say how to add one). */
  readonly configured: boolean;
  teams(): Promise<TeamsView>;
}

const membershipsSchema = z.array(
  z.object({
    actorKey: z.string(),
    team: z.string(),
    costCenter: z.string().optional(),
    handle: z.string().optional(),
  }),
);
const leadsSchema = z.array(z.object({ team: z.string(), email: z.string() }));
/** The stored copy: memberships and leads; a copy from before leads were kept is the bare list. */
const storedSchema = z.union([
  z.object({ memberships: membershipsSchema, leads: leadsSchema }),
  membershipsSchema.transform((memberships) => ({ memberships, leads: [] })),
]);

const SNAPSHOT = "usergroup_teams";

export function createTeamsLoader(options: TeamsLoaderOptions): TeamsLoader {
  const fileRows = options.file?.memberships ?? [];
  const leads = options.file?.leads ?? [];
  const read = options.userGroups;
  const copy = read
    ? createKeptCopy({
        name: SNAPSHOT,
        label: "user-group teams",
        schema: storedSchema,
        read: async () => {
          const fresh = await read();
          return { memberships: fresh.memberships, leads: fresh.leads ?? [] };
        },
        maxAgeMs: options.maxAgeMs ?? USER_GROUPS_MAX_AGE_MS,
        snapshots: options.snapshots,
        now: options.now,
        onStoreError: options.onError,
      })
    : undefined;
  let inFlight: Promise<TeamsView> | undefined;

  async function groups() {
    if (!copy) return undefined;
    const got = await copy();
    if (got.failed !== undefined) options.onError?.("read the Slack user groups", got.failed);
    return got.value === undefined ? undefined : { ...got.value, readAt: got.fetchedAt };
  }

  async function load(): Promise<TeamsView> {
    const fromGroups = await groups();
    return {
      roster: buildRoster(
        [...fileRows, ...(fromGroups?.memberships ?? [])],
        [...leads, ...(fromGroups?.leads ?? [])],
      ),
      groupsReadAt: fromGroups?.readAt,
    };
  }

  return {
    configured: fileRows.length > 0 || options.userGroups !== undefined,
    teams() {
      inFlight ??= load().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
