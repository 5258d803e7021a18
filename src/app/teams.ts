import { readFileSync } from "node:fs";
import { WebClient } from "@slack/web-api";
import type { SyntheticRoster } from "../demo/synthetic-roster.js";
import { createTeamsLoader, type TeamsLoader } from "../loading/teams.js";
import type { Logger } from "../log.js";
import { teamsFromUserGroups } from "../slack/user-groups.js";
import type { Snapshots } from "../store/snapshots.js";
import { parseTeamFile, TeamFileError } from "../usage/team-file.js";
import { type Config, ConfigError } from "./config.js";

/*
 * Where teams come from, per configuration: TEAMS_FILE (read once, here), Slack user groups
 * (TEAMS_FROM_USERGROUPS, read by the loader when due), or the demo organisation's teams.
 */

/** At most this many of a file's bad rows are logged one by one; the rest are counted. */
const LOGGED_PROBLEMS = 20;

/**
 * TEAMS_FILE, read and checked: a file that cannot be read or has the wrong shape is a
 * ConfigError naming the variable and the line; bad rows are logged and left out.
 */
export function readTeamsFile(config: Pick<Config, "TEAMS_FILE">, logger: Logger) {
  const path = config.TEAMS_FILE;
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError([`TEAMS_FILE: cannot read ${path} (${code}).`]);
  }
  try {
    const file = parseTeamFile(path, text);
    for (const problem of file.problems.slice(0, LOGGED_PROBLEMS)) {
      logger.warn(
        { file: path, line: problem.line },
        `TEAMS_FILE row left out: ${problem.message}`,
      );
    }
    if (file.problems.length > LOGGED_PROBLEMS) {
      logger.warn(
        { file: path, more: file.problems.length - LOGGED_PROBLEMS },
        "TEAMS_FILE: more rows left out",
      );
    }
    return file;
  } catch (error) {
    if (error instanceof TeamFileError) {
      throw new ConfigError(
        error.problems.map((p) => `TEAMS_FILE: ${path} line ${p.line}: ${p.message}`),
      );
    }
    throw error;
  }
}

export function teamsFromConfig(
  config: Config,
  options: {
    logger: Logger;
    snapshots?: Snapshots | undefined;
    demo?: SyntheticRoster | undefined;
  },
): TeamsLoader {
  const { logger } = options;
  const file = options.demo ? options.demo.teams : readTeamsFile(config, logger);
  const wanted = config.TEAMS_FROM_USERGROUPS;
  const token = config.SLACK_BOT_TOKEN;
  if (wanted && !token && !options.demo) {
    logger.warn("TEAMS_FROM_USERGROUPS is set without SLACK_BOT_TOKEN: user groups are not read");
  }
  const slack =
    wanted && token && !options.demo
      ? new WebClient(token, { slackApiUrl: config.SLACK_API_URL, retryConfig: { retries: 2 } })
      : undefined;
  const groups =
    wanted?.toLowerCase() === "all" ? "all" : (wanted ?? "").split(/[\s,]+/).filter(Boolean);
  return createTeamsLoader({
    file,
    userGroups: slack
      ? async () => {
          const read = await teamsFromUserGroups(slack, groups);
          if (read.notFound.length > 0) {
            logger.warn({ groups: read.notFound }, "TEAMS_FROM_USERGROUPS: no such user groups");
          }
          return read;
        }
      : undefined,
    snapshots: options.snapshots,
    onError: (operation, error) => logger.warn({ err: error }, `teams: could not ${operation}`),
  });
}
