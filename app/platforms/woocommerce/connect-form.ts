/** The "Connect your WooCommerce store" form: the store's address, and keys when entered by hand. */
import { z } from "zod";

export const WOO_CONNECT_FIELDS = ["storeUrl", "intent", "consumerKey", "consumerSecret"] as const;

export const WooConnectFormSchema = z.object({
  storeUrl: z
    .string()
    .trim()
    .transform((url) => url.slice(0, 500))
    .refine((url) => url.length > 0, "Enter your store's address."),
  /** "manual" = keys typed in; anything else starts WooCommerce's approval screen. */
  intent: z.string().transform((intent) => (intent === "manual" ? "manual" : "authorize")),
  consumerKey: z.string().trim(),
  consumerSecret: z.string().trim(),
});

export type WooConnectForm = z.infer<typeof WooConnectFormSchema>;
