/**
 * The demo merchant enters their ad spend on the Channels page, through the page's own forms as a browser sends
 * them (signed demo cookie, same origin): a channel sheet and a campaign sheet, each over the last 365 days, so the
 * demo shows what customers actually cost per channel and per campaign. scripts/demo.ts calls it after the second
 * recompute:
 *
 *   const result = await enterDemoSpend(app.url, SHOP);
 *
 * Campaigns are the simulated shop's utm_campaign tags; only those the analysis found are entered (a campaign
 * sheet naming one that no first order carried is refused whole, as it would be for a merchant).
 */

/** What the simulated shop's ads cost over a year, in the store's currency. */
const CHANNEL_SPEND: Record<string, number> = { "Google Ads": 9_800, "Meta ads": 6_400, Klaviyo: 1_200 };
const CAMPAIGN_SPEND: Record<string, number> = {
  brand: 1_900,
  shopping: 4_300,
  "generic-outdoor": 3_600,
  "alpine-drop": 2_100,
  "trail-season": 2_900,
  "ugc-reels": 1_400,
};

export interface DemoSpendResult {
  channels: number;
  campaigns: string[];
}

export async function enterDemoSpend(appUrl: string, shop: string): Promise<DemoSpendResult> {
  const signIn = await fetch(`${appUrl}/demo?shop=${encodeURIComponent(shop)}`, { redirect: "manual" });
  const cookie = signIn.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`demo sign-in gave no cookie (${signIn.status})`);
  const headers = { cookie, origin: appUrl };

  const sheet = (lines: [string, number][], heading: string) =>
    `${heading},Spend\n${lines.map(([name, amount]) => `${name},${amount.toFixed(2)}`).join("\n")}\n`;
  const send = async (fields: Record<string, string>, file: { field: string; name: string; text: string }) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    form.append(file.field, new Blob([file.text], { type: "text/csv" }), file.name);
    const response = await fetch(`${appUrl}/app/channels`, { method: "POST", headers, body: form });
    if (!response.ok) throw new Error(`${file.name} refused: ${response.status}`);
  };

  await send(
    { intent: "upload-spend", spendPeriodDays: "365" },
    { field: "spendCsv", name: "ad-spend.csv", text: sheet(Object.entries(CHANNEL_SPEND), "Channel") },
  );

  // The campaigns the analysis found, from the page's own campaign export.
  const exported = await fetch(`${appUrl}/app/channels/export?by=campaign`, { headers });
  if (!exported.ok) throw new Error(`campaign export: ${exported.status}`);
  const analysed = new Set(
    (await exported.text())
      .split(/\r?\n/)
      .slice(1)
      .map((line) => line.split(",")[1]),
  );
  const campaigns = Object.entries(CAMPAIGN_SPEND).filter(([name]) => analysed.has(name));
  if (campaigns.length > 0)
    await send(
      { intent: "upload-campaign-spend", campaignSheetPeriodDays: "365" },
      { field: "campaignCsv", name: "campaign-spend.csv", text: sheet(campaigns, "Campaign") },
    );
  return { channels: Object.keys(CHANNEL_SPEND).length, campaigns: campaigns.map(([name]) => name) };
}
