export {
  actorName,
  actorShortName,
  KEY_MARK,
  type NameOf,
  type PersonName,
} from "../people.js";
export { renderAdminAlert, renderError, renderHelp, renderNotAllowed } from "./help.js";
export { renderLeaderboard, renderModels } from "./leaderboard.js";
export * from "./limits.js";
export {
  ACTION_VALUE_VERSION,
  type ActionValue,
  actionValue,
  actionValueSchema,
  DIGEST_ACTIONS_BLOCK,
  DIGEST_CHARTS,
  DIGEST_LAST_7_DAYS,
  DIGEST_MY_NUMBERS,
  DM_ACTIONS_BLOCK,
  DM_CHANGE_TIME,
  DM_LAST_7_DAYS,
  DM_MORE,
  DM_STOP,
  MAX_ACTION_VALUE,
  type MessageActions,
  messageActionsBlock,
  withActions,
} from "./message-actions.js";
export {
  type Audience,
  actorMrkdwn,
  adoptionLine,
  BUDGET_NEWS_SHARE,
  budgetNews,
  fallbackText,
  type InlineChart,
  inlineChartBlocks,
  type MonthToDate,
  monthToDateLine,
  type ReportRenderOptions,
  renderOrgReport,
  reportTitle,
  type SeatCounts,
  seatsLine,
} from "./org-report.js";
export { type PersonalRenderOptions, renderPersonalReport } from "./personal.js";
export {
  renderSeats,
  renderSeatsUnavailable,
  type SeatsView,
  seatsTitle,
} from "./seats.js";
export {
  digestName,
  MAX_LISTED,
  ORG_OPTION,
  orgOrTeam,
  renderSettingsRefusal,
  renderSettingsView,
  renderSubscriptionList,
  SETTINGS_CALLBACK_ID,
  SETTINGS_FIELDS,
  SETTINGS_REMOVE_ACTION,
  type SettingsViewInput,
  type TeamLabel,
  timeInZone,
} from "./subscriptions.js";
export {
  renderNoSuchTeam,
  renderNoTeams,
  renderTeams,
  type TeamsView,
  teamsTitle,
} from "./teams.js";
