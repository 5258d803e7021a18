/** Kept in step with package.json by a test (importing package.json would leave src/ in the build). */
export const APP_NAME = "claude-usage";
export const APP_VERSION = "0.1.0";
export const APP_URL = "https://github.com/claude-usage/claude-usage";
export const USER_AGENT = `${APP_NAME}/${APP_VERSION} (+${APP_URL})`;
