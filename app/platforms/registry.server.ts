/**
 * The one registry of store platforms: one line per platform. Everything outside app/platforms reaches a platform
 * through here (by the store's `platform` column), never by testing its name.
 */
import type { Platform } from "../domain/types";
import type { PlatformDefinition, PlatformRuntime, PlatformRuntimeDeps, StorePlatform } from "./platform";
import { shopify } from "./shopify/platform.server";
import { woocommerce } from "./woocommerce/platform.server";

export const PLATFORMS = {
  shopify,
  woocommerce,
} as const satisfies { [P in Platform]: PlatformDefinition<never, PlatformRuntime> };

type Definitions = typeof PLATFORMS;
type OptionsOf<P extends Platform> = Parameters<Definitions[P]["createRuntime"]>[1];

/** Each platform's runtime, typed by name (services().platforms.woocommerce.connect, …). */
export type PlatformRuntimes = { [P in Platform]: ReturnType<Definitions[P]["createRuntime"]> };
/** Options for the platforms whose runtime takes any (Shopify: how to reach a shop's Admin API). */
export type PlatformOptions = { [P in Platform as undefined extends OptionsOf<P> ? never : P]: OptionsOf<P> };

export const PLATFORM_NAMES = Object.keys(PLATFORMS) as Platform[];

export function isPlatform(name: string): name is Platform {
  return Object.hasOwn(PLATFORMS, name);
}

export function platformDefinition(name: string): PlatformDefinition<never, PlatformRuntime> {
  if (!isPlatform(name)) throw new Error(`no adapter for platform ${name}`);
  return PLATFORMS[name];
}

/** The adapter for one store: mapping, privacy topics, label encoding, admin links. */
export function platformForStore(store: { id: string; platform: string }, encryptionKey: Buffer): StorePlatform {
  return platformDefinition(store.platform).forStore(store, { encryptionKey });
}

/** Builds every registered platform's runtime (the composition root calls this once). */
export function createPlatformRuntimes(deps: PlatformRuntimeDeps, options: PlatformOptions): PlatformRuntimes {
  const runtimes: Partial<Record<Platform, PlatformRuntime>> = {};
  for (const name of PLATFORM_NAMES) {
    const definition = PLATFORMS[name] as PlatformDefinition<unknown, PlatformRuntime>;
    runtimes[name] = definition.createRuntime(deps, (options as Partial<Record<Platform, unknown>>)[name]);
  }
  return runtimes as PlatformRuntimes;
}
