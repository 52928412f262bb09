/** The WooCommerce connect form read through its schema: trimmed values, one message for a missing address. */
import { describe, expect, it } from "vitest";
import { WOO_CONNECT_FIELDS, WooConnectFormSchema } from "../../../app/platforms/woocommerce/connect-form";
import { formFields } from "../../../app/security/form-fields";

function read(entries: [string, string | Blob][]) {
  const form = new FormData();
  for (const [name, value] of entries) form.append(name, value);
  return WooConnectFormSchema.safeParse(formFields(form, WOO_CONNECT_FIELDS));
}

describe("WooCommerce connect form", () => {
  it("reads manual keys, trimmed, and caps the address", () => {
    const result = read([
      ["storeUrl", `  shop.example/${"x".repeat(600)} `],
      ["intent", "manual"],
      ["consumerKey", " ck_1 "],
      ["consumerSecret", "cs_2\n"],
    ]);
    expect(result.success && result.data).toEqual({
      storeUrl: `shop.example/${"x".repeat(487)}`,
      intent: "manual",
      consumerKey: "ck_1",
      consumerSecret: "cs_2",
    });
  });

  it("starts the approval screen for any other intent, and keys default to empty", () => {
    const result = read([["storeUrl", "shop.example"]]);
    expect(result.success && result.data).toEqual({
      storeUrl: "shop.example",
      intent: "authorize",
      consumerKey: "",
      consumerSecret: "",
    });
    expect(
      read([
        ["storeUrl", "shop.example"],
        ["intent", "MANUAL"],
      ]).data?.intent,
    ).toBe("authorize");
  });

  it("asks for the address when it is missing, blank or a file", () => {
    for (const entries of [[], [["storeUrl", "   "]], [["storeUrl", new Blob(["shop.example"])]]] as [
      string,
      string | Blob,
    ][][]) {
      const result = read(entries);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe("Enter your store's address.");
    }
  });
});
