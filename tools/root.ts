/** The repository root (with a trailing slash): the working directory for builds, the app process and scripts. */
export const ROOT = new URL("../", import.meta.url).pathname;
