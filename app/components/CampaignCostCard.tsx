/**
 * The Channels page's answer to "which campaign brings the best customers for what they cost": what the merchant
 * spent per campaign (typed or uploaded as a `campaign, amount` sheet), the cost per customer each campaign acquired
 * in that period, what those customers are worth, the most the merchant can spend per customer at their target,
 * and the value-to-cost ratio (decision 157).
 */
import { SheetRefusedBanner } from "./SheetRefusedBanner";
import { Form } from "@remix-run/react";
import { useEffect, useState } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Text,
  TextField,
  Select,
} from "@shopify/polaris";
import { formatCount, formatMoney, toMajorUnits } from "../read-models/format";
import type { CampaignCostView } from "../read-models/intelligence/campaign-spend.server";
import type { CampaignSpendUploadResult } from "../read-models/intelligence/campaign-spend.server";
import { SPEND_CSV_MAX_BYTES, SPEND_PERIODS } from "../read-models/intelligence/insight-types";
import { campaignSpendSheetTemplate } from "../domain/intelligence/campaign-cost";
import { TitledCard } from "./TitledCard";

export interface CampaignActionResult {
  errors: Record<string, string>;
  upload: CampaignSpendUploadResult | null;
}

export function CampaignCostCard({
  currency,
  campaigns,
  view,
  targetRatio,
  result,
  submitting,
}: {
  currency: string;
  /** The campaigns spend can be typed for, in the campaign table's order. */
  campaigns: string[];
  view: CampaignCostView;
  targetRatio: number;
  result: CampaignActionResult | null;
  submitting: boolean;
}) {
  const { settings, rows } = view;
  const digits = Math.round(Math.log10(1 / toMajorUnits(1, currency)));
  const money = (minor: number | null) => (minor === null ? "—" : formatMoney(Math.round(minor), currency));
  const typed = () =>
    Object.fromEntries(
      campaigns.map((c) => [c, settings.spendMinor[c] ? String(toMajorUnits(settings.spendMinor[c]!, currency)) : ""]),
    );
  const [values, setValues] = useState<Record<string, string>>(typed);
  const [period, setPeriod] = useState(String(settings.periodDays));
  const [sheetPeriod, setSheetPeriod] = useState(String(settings.periodDays));
  // After a save or an upload the loader's settings change: show what is stored now.
  useEffect(() => {
    setValues(typed());
    setPeriod(String(settings.periodDays));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settings]);
  const upload = result?.upload ?? null;
  const formErrors = result?.errors ?? {};
  const periodOptions = SPEND_PERIODS.map((d) => ({ label: `Last ${d} days`, value: String(d) }));

  return (
    <TitledCard title="What each campaign's customers cost">
      <Text as="p" tone="subdued">
        Enter what you spent per campaign to see what each customer it brought cost, against what those customers are
        worth: what they spent so far plus what they are expected to spend in the next 12 months. A campaign's name is
        its utm_campaign tag, as in the table above.
      </Text>
      {rows.length === 0 ? (
        <Text as="p" tone="subdued">
          No campaign spend entered yet.
        </Text>
      ) : (
        <BlockStack gap="200">
          <Text as="h3" variant="headingSm">
            {`Last ${settings.periodDays} days, best value for money first`}
          </Text>
          <DataTable
            columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
            headings={[
              "Campaign",
              "Spend",
              "Customers acquired",
              "Cost per customer",
              "Value per customer",
              "Most you can spend",
              "Value-to-cost",
              "",
            ]}
            rows={rows.map((r) => [
              r.campaign,
              money(r.spendMinor),
              formatCount(r.customersAcquired),
              money(r.costPerCustomer),
              money(r.valuePerCustomer),
              money(r.maxCac),
              r.valueToCost === null ? "—" : `${r.valueToCost.toFixed(1)} : 1`,
              <Badge
                key={r.campaign}
                tone={r.verdict === "within" ? "success" : r.verdict === "above" ? "critical" : "info"}
              >
                {r.verdict === "within" ? "Within" : r.verdict === "above" ? "Too expensive" : "No customers"}
              </Badge>,
            ])}
          />
          <Text as="p" variant="bodySm" tone="subdued">
            {`Value-to-cost is the gross profit a customer brings per 1 spent to acquire them; your target is ${targetRatio} : 1. "Most you can spend" is that customer value at your margin and target.`}
          </Text>
          {rows.map((r) => (
            <Text key={r.campaign} as="p" variant="bodySm" tone="subdued">
              {r.explanation}
            </Text>
          ))}
        </BlockStack>
      )}
      <Layout>
        <Layout.Section variant="oneHalf">
          <Form method="post">
            <BlockStack gap="300">
              <Text as="h3" variant="headingSm">
                Spend per campaign
              </Text>
              {result && !upload && Object.keys(formErrors).length === 0 && (
                <Banner tone="success" title="Campaign spend saved" />
              )}
              {Object.keys(formErrors).length > 0 && (
                <Banner tone="critical" title="Campaign spend not saved: please check the fields" />
              )}
              <input type="hidden" name="intent" value="campaign-spend" />
              <FormLayout>
                <Select
                  label="Campaign spend period"
                  name="campaignPeriodDays"
                  options={periodOptions}
                  value={period}
                  onChange={setPeriod}
                  error={formErrors.campaignPeriodDays}
                />
                {campaigns.map((campaign, k) => (
                  <div key={campaign}>
                    <input type="hidden" name={`campaign-${k}`} value={campaign} />
                    <TextField
                      label={`${campaign} spend (${currency})`}
                      name={`campaign-spend-${k}`}
                      inputMode="decimal"
                      value={values[campaign] ?? ""}
                      onChange={(value) => setValues((v) => ({ ...v, [campaign]: value }))}
                      error={formErrors[`campaign-spend-${k}`]}
                      autoComplete="off"
                    />
                  </div>
                ))}
              </FormLayout>
              <InlineStack align="end">
                <Button submit loading={submitting}>
                  Save campaign spend
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>
        <Layout.Section variant="oneHalf">
          <Form method="post" encType="multipart/form-data">
            <BlockStack gap="300">
              <Text as="h3" variant="headingSm">
                Or upload a campaign sheet (CSV)
              </Text>
              <Text as="p" variant="bodySm">
                {`One line per campaign: its utm_campaign name, then what you spent in ${currency}, e.g. "summer-sale, 1200.50". Read like the channel sheet; if any line cannot be read nothing is saved, and a good sheet replaces all campaign spend.`}
              </Text>
              {upload?.ok && (
                <Banner tone="success" title="Campaign spend uploaded">
                  {`${formatCount(upload.campaigns)} campaign${upload.campaigns === 1 ? "" : "s"}, ${money(upload.totalMinor)} over the last ${upload.periodDays} days.`}
                </Banner>
              )}
              {upload && !upload.ok && <SheetRefusedBanner message={upload.message} lineErrors={upload.lineErrors} />}
              <Text as="p" variant="bodySm">
                <a
                  href={`data:text/csv;charset=utf-8,${encodeURIComponent(
                    campaignSpendSheetTemplate(campaigns, settings.spendMinor, digits),
                  )}`}
                  download="campaign-spend.csv"
                >
                  Download a campaign sheet to fill in
                </a>
              </Text>
              <input type="hidden" name="intent" value="upload-campaign-spend" />
              <Select
                label="Period of the campaign sheet"
                name="campaignSheetPeriodDays"
                options={periodOptions}
                value={sheetPeriod}
                onChange={setSheetPeriod}
              />
              <label htmlFor="campaign-csv">
                <Text as="span" variant="bodyMd">
                  Campaign sheet
                </Text>
              </label>
              <input
                id="campaign-csv"
                type="file"
                name="campaignCsv"
                accept=".csv,.tsv,.txt,text/csv,text/plain"
                aria-describedby="campaign-csv-limit"
                required
                onChange={(event) => {
                  // Said before sending: the server refuses a body this large before the page could answer.
                  const file = event.currentTarget.files?.[0];
                  event.currentTarget.setCustomValidity(
                    file !== undefined && file.size > SPEND_CSV_MAX_BYTES
                      ? `This file is larger than ${SPEND_CSV_MAX_BYTES / 1024} KB: is it the campaign sheet?`
                      : "",
                  );
                }}
              />
              <Text as="p" variant="bodySm" tone="subdued" id="campaign-csv-limit">
                {`A .csv or .txt file of at most ${SPEND_CSV_MAX_BYTES / 1024} KB.`}
              </Text>
              <InlineStack align="end">
                <Button submit loading={submitting}>
                  Send campaign sheet
                </Button>
              </InlineStack>
            </BlockStack>
          </Form>
        </Layout.Section>
      </Layout>
    </TitledCard>
  );
}
