// The `shopify` global the target module sees (the same pattern Shopify CLI generates).
import "@shopify/ui-extensions";

declare module "./src/CustomerBlock.tsx" {
  const shopify: import("@shopify/ui-extensions/admin.customer-details.block.render").Api;
  const globalThis: { shopify: typeof shopify };
}
