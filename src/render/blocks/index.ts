export { renderError, renderHelp, renderNotAllowed } from "./help.js";
export { renderLeaderboard, renderModels } from "./leaderboard.js";
export * from "./limits.js";
export {
  actorMrkdwn,
  fallbackText,
  type MonthToDate,
  monthToDateLine,
  type ReportRenderOptions,
  renderOrgReport,
  reportTitle,
  SHARE_ACTION_ID,
} from "./org-report.js";
export { type PersonalRenderOptions, renderPersonalReport } from "./personal.js";
