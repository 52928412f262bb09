import { describe, expect, it } from "vitest";
import { cleanTagValue, hostOf, parseLandingSite } from "../../../app/domain/intelligence/url-params";

describe("parseLandingSite", () => {
  it("reads UTM tags from absolute, relative and bare-query landing sites", () => {
    const absolute = parseLandingSite(
      "https://shop.example/products/mug?utm_source=Google&utm_medium=CPC&utm_campaign=Mugs",
    );
    expect(absolute.utm).toMatchObject({ source: "google", medium: "cpc", campaign: "mugs" });
    expect(parseLandingSite("/collections/all?utm_source=newsletter&utm_medium=email").utm).toMatchObject({
      source: "newsletter",
      medium: "email",
    });
    expect(parseLandingSite("utm_source=ig&utm_medium=social").utm).toMatchObject({ source: "ig", medium: "social" });
  });

  it("decodes encoded and double-encoded values, plus signs and mixed-case keys", () => {
    const { utm } = parseLandingSite("/?UTM_Campaign=Black%2520Friday+2026&Utm_Source=Face%62ook");
    expect(utm.campaign).toBe("black friday 2026");
    expect(utm.source).toBe("facebook");
  });

  it("never lets an e-mail address or other parameters into a tag", () => {
    const { utm } = parseLandingSite(
      "/?email=jane.doe%40example.com&utm_source=klaviyo&utm_campaign=welcome_jane.doe@example.com&utm_medium=email?email=x@y.z",
    );
    expect(utm.source).toBe("klaviyo");
    expect(utm.campaign).toBe("welcome");
    expect(utm.medium).toBe("email");
    expect(JSON.stringify(utm)).not.toMatch(/@|jane/);
    // An encoded e-mail in the campaign is decoded first, then dropped.
    expect(parseLandingSite("/?utm_campaign=jane%40example.com").utm.campaign).toBeNull();
  });

  it("keeps a lone ampersand inside a name but cuts a glued second query", () => {
    expect(cleanTagValue("summer%20%26%20sun")).toBe("summer & sun");
    expect(cleanTagValue("spring%26email%3Dx")).toBe("spring");
  });

  it("treats placeholders, macros and empty values as missing", () => {
    const { utm } = parseLandingSite(
      "/?utm_source=(none)&utm_medium=&utm_campaign={{campaign.name}}&utm_term={keyword}",
    );
    expect(utm).toEqual({ source: null, medium: null, campaign: null, content: null, term: null, id: null });
  });

  it("survives malformed URLs and escapes", () => {
    expect(parseLandingSite("http://%%%?utm_source=%E0%A4%A&utm_medium=cpc").utm).toMatchObject({
      source: "%e0%a4%a",
      medium: "cpc",
    });
    expect(parseLandingSite(null).utm.source).toBeNull();
    expect(parseLandingSite("").clickIds).toEqual([]);
    expect(parseLandingSite("?&&=&utm_source").utm.source).toBeNull();
    expect(parseLandingSite("x".repeat(100_000)).utm.source).toBeNull();
  });

  it("reads HTML-escaped ampersands, hash routing and first occurrences", () => {
    expect(parseLandingSite("/p?utm_source=a&amp;utm_medium=b").utm.medium).toBe("b");
    expect(parseLandingSite("/#/?utm_source=tiktok").utm.source).toBe("tiktok");
    expect(parseLandingSite("/?utm_source=first&utm_source=second").utm.source).toBe("first");
  });

  it("reports click-id kinds, never their values", () => {
    const parsed = parseLandingSite("/?gclid=abc123&fbclid=&ttclid=zz");
    expect(parsed.clickIds).toEqual(["gclid", "ttclid"]);
    expect(JSON.stringify(parsed)).not.toContain("abc123");
  });

  it("caps long values at 100 characters", () => {
    expect(cleanTagValue("a".repeat(300))!.length).toBe(100);
  });
});

describe("hostOf", () => {
  it("returns the bare host of URLs, scheme-relative and scheme-less referrers", () => {
    expect(hostOf("https://www.Google.com/search?q=secret+search")).toBe("google.com");
    expect(hostOf("//t.co/abc")).toBe("t.co");
    expect(hostOf("facebook.com/groups/x")).toBe("facebook.com");
    expect(hostOf("android-app://com.google.android.gm/")).toBe("com.google.android.gm");
  });

  it("returns null for relative paths, single words and junk", () => {
    expect(hostOf("/products/x")).toBeNull();
    expect(hostOf("google")).toBeNull();
    expect(hostOf("http://")).toBeNull();
    expect(hostOf("   ")).toBeNull();
    expect(hostOf(undefined)).toBeNull();
  });
});
