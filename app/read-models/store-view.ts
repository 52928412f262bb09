/** The few store facts every admin page needs to format its numbers. */
import type { Store } from "@prisma/client";

export interface StoreView {
  id: string;
  platform: string;
  domain: string;
  name: string;
  currency: string;
  timezone: string;
}

export function storeView(store: Store): StoreView {
  return {
    id: store.id,
    platform: store.platform,
    domain: store.domain,
    name: store.name ?? store.domain,
    currency: store.currency,
    timezone: store.timezone,
  };
}
