import { describe, expect, it } from "vitest";
import {
  channelCode,
  CHANNELS,
  classifyAcquisition,
  compareWithSurvey,
  surveyAgrees,
  type AcquisitionInput,
  type Channel,
} from "../../../app/domain/intelligence/channels";

const channelOf = (input: AcquisitionInput, ownHosts: string[] = ["shop.example"]) =>
  classifyAcquisition(input, { ownHosts }).channel;

describe("classifyAcquisition", () => {
  it("puts staff, point-of-sale and sales-channel orders first, whatever the web signals say", () => {
    expect(channelOf({ sourceName: "shopify_draft_order", landingSite: "/?utm_source=google&utm_medium=cpc" })).toBe(
      "Staff",
    );
    expect(channelOf({ sourceName: "iphone" })).toBe("Staff");
    expect(channelOf({ sourceName: "pos" })).toBe("Point of sale");
    expect(channelOf({ sourceName: "580111" })).toBe("Marketplace");
    expect(classifyAcquisition({ sourceName: "580111" }).source).toBe("app 580111");
    expect(channelOf({ sourceName: "Amazon" })).toBe("Marketplace");
    expect(channelOf({ createdVia: "admin" })).toBe("Staff");
    expect(channelOf({ wooAttribution: { _wc_order_attribution_source_type: "mobile_app" } })).toBe("Staff");
  });

  it("lets the merchant map a sales-channel app id to a channel", () => {
    const result = classifyAcquisition({ sourceName: "580111" }, { sourceNameChannels: { "580111": "Paid social" } });
    expect(result).toMatchObject({ channel: "Paid social", rule: "source-name-mapping" });
  });

  it("classifies tagged visits by medium, then source (case-insensitive)", () => {
    const cases: [string, Channel][] = [
      ["/?utm_source=Google&utm_medium=CPC&utm_campaign=Brand", "Paid search"],
      ["/?utm_source=facebook&utm_medium=paid_social", "Paid social"],
      ["/?utm_source=fb&utm_medium=cpc", "Paid social"],
      ["/?utm_source=instagram&utm_medium=story", "Organic social"],
      ["/?utm_source=ig", "Organic social"],
      ["/?utm_source=klaviyo&utm_medium=flow", "Email"],
      ["/?utm_source=shop&utm_medium=e-mail", "Email"],
      ["/?utm_source=attentive&utm_medium=text", "SMS"],
      ["/?utm_source=awin&utm_medium=affiliate", "Affiliate"],
      ["/?utm_source=criteo&utm_medium=display", "Display"],
      ["/?utm_source=criteo&utm_medium=cpm", "Display"],
      ["/?utm_source=partnerblog&utm_medium=ppc", "Paid search"],
      ["/?utm_source=duckduckgo", "Organic search"],
      ["/?utm_source=blog.example&utm_medium=referral", "Referral"],
      ["/?utm_source=poster&utm_medium=qr", "Other"],
    ];
    for (const [landingSite, channel] of cases)
      expect([landingSite, channelOf({ landingSite })]).toEqual([landingSite, channel]);
  });

  it("keeps normalized source, medium and campaign, and says which rule decided", () => {
    expect(classifyAcquisition({ landingSite: "/?utm_source=FB&utm_medium=CPC&utm_campaign=Spring%20Sale" })).toEqual({
      channel: "Paid social",
      source: "facebook",
      medium: "cpc",
      campaign: "spring sale",
      rule: "utm",
    });
  });

  it("uses ad click ids when the tags were stripped", () => {
    expect(channelOf({ landingSite: "/?gclid=xyz" })).toBe("Paid search");
    expect(channelOf({ landingSite: "/?ttclid=xyz" })).toBe("Paid social");
    expect(channelOf({ landingSite: "/?fbclid=xyz" })).toBe("Organic social");
  });

  it("classifies untagged visits by referring host, ignoring the store itself and payment pages", () => {
    expect(channelOf({ landingSite: "/", referringSite: "https://www.google.de/" })).toBe("Organic search");
    expect(channelOf({ landingSite: "/", referringSite: "https://mail.google.com/mail/u/0" })).toBe("Email");
    expect(channelOf({ landingSite: "/", referringSite: "https://l.facebook.com/l.php?u=x" })).toBe("Organic social");
    expect(channelOf({ landingSite: "/", referringSite: "https://www.googleadservices.com/pagead" })).toBe(
      "Paid search",
    );
    expect(channelOf({ landingSite: "/", referringSite: "https://blog.example/post" })).toBe("Referral");
    expect(channelOf({ landingSite: "/", referringSite: "https://shop.example/cart" })).toBe("Direct");
    expect(channelOf({ landingSite: "/", referringSite: "https://www.paypal.com/checkout" })).toBe("Direct");
    expect(classifyAcquisition({ referringSite: "https://blog.example/?email=a@b.c" }).source).toBe("blog.example");
  });

  it("reads WooCommerce order attribution meta", () => {
    const utm = {
      _wc_order_attribution_source_type: "utm",
      _wc_order_attribution_utm_source: "Newsletter",
      _wc_order_attribution_utm_medium: "email",
      _wc_order_attribution_utm_campaign: "December",
    };
    expect(classifyAcquisition({ createdVia: "checkout", wooAttribution: utm })).toMatchObject({
      channel: "Email",
      source: "newsletter",
      campaign: "december",
    });
    const organic = { source_type: "organic", utm_source: "google", utm_medium: "organic" };
    expect(channelOf({ wooAttribution: organic })).toBe("Organic search");
    const referral = { source_type: "referral", utm_source: "l.instagram.com", utm_medium: "referral" };
    expect(channelOf({ wooAttribution: referral })).toBe("Organic social");
    const typein = { source_type: "typein", utm_source: "(direct)", utm_medium: "(none)", utm_campaign: "(none)" };
    expect(classifyAcquisition({ wooAttribution: typein })).toMatchObject({ channel: "Direct", campaign: null });
    const entry = { source_type: "utm", session_entry: "https://shop.example/?utm_source=tiktok&utm_medium=paid" };
    expect(channelOf({ wooAttribution: entry })).toBe("Paid social");
    expect(channelOf({ wooAttribution: { source_type: "referral" } })).toBe("Referral");
  });

  it("separates Direct (an online order without signals) from Unknown (no information)", () => {
    expect(channelOf({ sourceName: "web" })).toBe("Direct");
    expect(channelOf({ landingSite: "/products/x" })).toBe("Direct");
    expect(channelOf({})).toBe("Unknown");
    expect(channelOf({ sourceName: null, landingSite: "  ", referringSite: null })).toBe("Unknown");
  });

  it("does not crash on hostile input", () => {
    const hostile = {
      sourceName: 42 as unknown as string,
      landingSite: "%".repeat(10_000),
      referringSite: "javascript:alert(1)",
      wooAttribution: { utm_source: 7, _wc_order_attribution_utm_medium: null } as unknown as Record<string, unknown>,
    };
    expect(CHANNELS).toContain(channelOf(hostile));
  });
});

describe("survey answers side by side", () => {
  it("says when a self-reported answer agrees with the tracked channel", () => {
    expect(surveyAgrees("Paid social", "instagram")).toBe(true);
    expect(surveyAgrees("Organic search", "instagram")).toBe(false);
    expect(surveyAgrees("Direct", "friend")).toBe(true);
    expect(surveyAgrees("Direct", "other")).toBeNull();
    expect(surveyAgrees("Direct", null)).toBeNull();
  });

  it("cross-tabulates tracked channel × answer (hand count)", () => {
    // Four instagram answers: tracked Paid social ×2, Organic social ×1, Direct ×1 → 3/4 agree.
    // One google answer tracked as Email → 0/1. One "other" → no agreement share. One unanswered → left out.
    const tracked = [
      "Paid social",
      "Paid social",
      "Organic social",
      "Direct",
      "Email",
      "Direct",
      "Direct",
    ] as Channel[];
    const answers = ["instagram", "Instagram", "instagram", "instagram", "google", "other", null];
    const rows = compareWithSurvey(tracked.map(channelCode), answers);
    expect(rows.map((r) => [r.answer, r.respondents, r.agreementShare])).toEqual([
      ["instagram", 4, 0.75],
      ["google", 1, 0],
      ["other", 1, null],
    ]);
    expect(rows[0]!.byChannel[channelCode("Paid social")]).toBe(2);
    expect(compareWithSurvey([], [])).toEqual([]);
  });
});
