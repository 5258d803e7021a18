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
