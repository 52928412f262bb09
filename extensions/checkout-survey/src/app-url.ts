/**
 * Where Ciclo's app server answers. Injected at build time (esbuild `define`, see ../build.ts) rather than read
 * from a merchant-editable setting: the session token goes with every request, so the destination is not
 * something a store setting should be able to change.
 */
declare const CICLO_APP_URL: string | undefined;

export const APP_URL: string =
  typeof CICLO_APP_URL === "string" ? CICLO_APP_URL.replace(/\/+$/, "") : "http://localhost:3000";
