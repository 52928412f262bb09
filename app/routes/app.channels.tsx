/**
 * Channels: which channels and campaigns bring valuable customers (customers acquired, repeat rate, predicted and
 * historic value, NPS), what the customers themselves say brought them beside what was tracked, and the most the
 * merchant can spend to acquire a customer — with their own horizon, margin and target, and their actual spend.
 */
import { SheetRefusedBanner } from "../components/SheetRefusedBanner";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  FormLayout,
  InlineStack,
  Layout,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { requireStore } from "../auth/admin-context.server";
import { useFocusableTables } from "../components/useFocusableTables";
import { services } from "../services.server";
import { boundedFormData } from "../security/bounded-body.server";
import { storeView } from "../read-models/store-view";
import { formatCount, formatDateTime, formatMoney, formatNps, formatShare, toMajorUnits } from "../read-models/format";
import {
  analysedCampaigns,
  parseCampaignSpendForm,
  saveCampaignSpend,
  uploadCampaignSpendCsv,
} from "../read-models/intelligence/campaign-spend.server";
import {
  loadChannelsPage,
  readInsight,
  type ChannelsInsight,
  parseAcquisitionForm,
  saveAcquisitionSettings,
  uploadSpendCsv,
} from "../read-models/intelligence/intelligence.server";
import { INSIGHT_HORIZONS, SPEND_CSV_MAX_BYTES, SPEND_PERIODS } from "../read-models/intelligence/insight-types";
import { CHANNELS } from "../domain/intelligence/channels";
import { spendSheetTemplate } from "../domain/intelligence/acquisition-cost";
import { CampaignCostCard } from "../components/CampaignCostCard";
import { ChartFrame } from "../components/ChartFrame";
import { LazyBarChart } from "../components/charts/lazy";
import { TitledCard } from "../components/TitledCard";
import { DownloadButton } from "../components/DownloadButton";

export const meta = () => [{ title: "Channels · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  return { ...(await loadChannelsPage(services().db, storeView(store))), embedded };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { store } = await requireStore(request);
  const digits = Math.round(Math.log10(1 / toMajorUnits(1, store.currency)));
  let form: FormData;
  try {
    form = await boundedFormData(request);
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    const message =
      error.status === 413
        ? `The file is too large for a spend sheet (at most ${SPEND_CSV_MAX_BYTES / 1024} KB).`
        : "The form could not be read.";
    return json(
      {
        ok: false as const,
        errors: {} as Record<string, string>,
        upload: { ok: false as const, message, lineErrors: [] },
        campaign: null,
      },
      { status: error.status },
    );
  }
  const intent = form.get("intent");
  if (intent === "campaign-spend" || intent === "upload-campaign-spend") {
    const insight = await readInsight<ChannelsInsight>(services().db, store.id, "channels");
    const known = analysedCampaigns(insight?.data ?? null);
    if (intent === "upload-campaign-spend") {
      const file = form.get("campaignCsv");
      const upload = await uploadCampaignSpendCsv(
        services().db,
        store.id,
        typeof file === "string" ? null : file,
        String(form.get("campaignSheetPeriodDays") ?? ""),
        known,
        digits,
      );
      return json(
        { ok: upload.ok, errors: {} as Record<string, string>, upload: null, campaign: { errors: {}, upload } },
        { status: upload.ok ? 200 : 400 },
      );
    }
    const parsed = parseCampaignSpendForm(form, known, digits);
    if (!parsed.settings)
      return json(
        {
          ok: false as const,
          errors: {} as Record<string, string>,
          upload: null,
          campaign: { errors: parsed.errors, upload: null },
        },
        { status: 400 },
      );
    await saveCampaignSpend(services().db, store.id, parsed.settings);
    return json({
      ok: true as const,
      errors: {} as Record<string, string>,
      upload: null,
      campaign: { errors: {}, upload: null },
    });
  }
  if (intent === "upload-spend") {
    const file = form.get("spendCsv");
    const upload = await uploadSpendCsv(
      services().db,
      store.id,
      typeof file === "string" ? null : file,
      String(form.get("spendPeriodDays") ?? ""),
      digits,
    );
    return json(
      { ok: upload.ok, errors: {} as Record<string, string>, upload, campaign: null },
      { status: upload.ok ? 200 : 400 },
    );
  }
  const parsed = parseAcquisitionForm(form, digits);
  if (!parsed.settings)
    return json({ ok: false as const, errors: parsed.errors, upload: null, campaign: null }, { status: 400 });
  await saveAcquisitionSettings(services().db, store.id, parsed.settings);
  return json({ ok: true as const, errors: {} as Record<string, string>, upload: null, campaign: null });
};

/** Campaigns of the campaign table that get a typed spend field. */
const CAMPAIGN_FIELDS = 10;

const horizonLabel = (days: number) =>
  days % 365 === 0 ? `${days / 365 === 1 ? "12 months" : `${days / 365} years`}` : `${Math.round(days / 30)} months`;

export default function ChannelsPage() {
  const data = useLoaderData<typeof loader>();
  useFocusableTables(useLoaderData<typeof loader>());
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const { store, insight, settings, maxCac, cost } = data;
  const money = (minor: number | null | undefined) =>
    minor === null || minor === undefined ? "—" : formatMoney(Math.round(minor), store.currency);
  const major = (minor: number) => String(toMajorUnits(Math.round(minor), store.currency));
  const formValues = () => ({
    horizonDays: String(settings.horizonDays),
    grossMarginPercent: String(settings.grossMarginPercent),
    targetRatio: String(settings.targetRatio),
    spendPeriodDays: String(settings.spendPeriodDays),
    ...Object.fromEntries(
      CHANNELS.map((c, k) => [`spend-${k}`, settings.spendMinor[c] ? major(settings.spendMinor[c]!) : ""]),
    ),
  });
  const [values, setValues] = useState<Record<string, string>>(formValues);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => setValues(formValues()), [settings]);
  const channelResult = result && !result.campaign ? result : undefined;
  const errors = channelResult && !channelResult.ok ? channelResult.errors : {};
  const upload = channelResult?.upload ?? null;
  const [uploadPeriod, setUploadPeriod] = useState(String(settings.spendPeriodDays));
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));

  if (!insight) {
    return (
      <Page title="Channels" subtitle="Which channels bring your most valuable customers?">
        <Card>
          <EmptyState heading="No channel analysis yet" image="">
            <p>
              After the next nightly recompute, this page shows for every channel and campaign how many customers it
              brought, how many came back, what they are worth and what they may cost to acquire. Channels come from
              each customer's first order: its sales channel, referring site and the UTM tags of the page they landed
              on.
            </p>
          </EmptyState>
        </Card>
      </Page>
    );
  }
  const channels = insight.channels;
  const topCampaigns = insight.campaigns.slice(0, 25);
  const overall = maxCac.find((r) => r.channel === null);
  const acquiredChannels = new Set(channels.map((c) => c.channel));
  const chartData = [
    {
      name: "Historic value per customer",
      data: channels.map((c) => ({
        key: c.channel,
        value: Math.round(toMajorUnits(c.meanHistoricValue ?? 0, store.currency)),
      })),
    },
    ...(insight.predictive
      ? [
          {
            name: "Predicted next 12 months",
            data: channels.map((c) => ({
              key: c.channel,
              value: Math.round(toMajorUnits(c.meanPredictedValue ?? 0, store.currency)),
            })),
          },
        ]
      : []),
  ];
  const best = [...channels]
    .filter((c) => !c.smallSample)
    .sort(
      (a, b) => (b.meanPredictedValue ?? b.meanHistoricValue ?? 0) - (a.meanPredictedValue ?? a.meanHistoricValue ?? 0),
    )[0];
  const valueRow = (c: (typeof channels)[number], label: string) => [
    label,
    formatCount(c.customers),
    formatShare(c.repeatRate),
    formatShare(c.windowRepeat?.rate ?? null),
    money(c.meanPredictedValue),
    money(c.meanHistoricValue),
    c.nps.responses > 0 ? `${formatNps(c.nps.nps)} (${c.nps.responses})` : "—",
  ];
  const headings = [
    "",
    "Customers acquired",
    "Came back",
    "Came back within 12 months",
    "Predicted value, next 12 months",
    "Spent so far (avg)",
    "NPS (answers)",
  ];
  const types = ["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"] as const;

  return (
    <Page title="Channels" subtitle="Which channels bring your most valuable customers, and what may a customer cost?">
      <BlockStack gap="500">
        <InlineStack gap="200">
          <DownloadButton url="/app/channels/export" filename="ciclo-channels.csv" embedded={data.embedded}>
            Download channels (CSV)
          </DownloadButton>
          <DownloadButton
            url="/app/channels/export?by=campaign"
            filename="ciclo-campaigns.csv"
            embedded={data.embedded}
          >
            Download campaigns (CSV)
          </DownloadButton>
        </InlineStack>
        <Text as="p" tone="subdued">
          A customer's channel is where their first order came from: the sales channel, the site that linked to the
          store, and the UTM tags of the page they landed on. Updated {formatDateTime(data.computedAt, store.timezone)}.
        </Text>
        {best && (
          <Banner tone="info" title={`${best.channel} brings your most valuable customers`}>
            <p>
              Its {formatCount(best.customers)} customers are worth{" "}
              {money(best.meanPredictedValue ?? best.meanHistoricValue)} each{" "}
              {best.meanPredictedValue !== null ? "over the next 12 months" : "so far"}, and{" "}
              {formatShare(best.repeatRate, 0)} of them came back.
            </p>
          </Banner>
        )}
        <TitledCard title="Value per channel">
          <ChartFrame
            height={360}
            summary={`Average value per customer for each of ${channels.length} channels; the table below has the figures.`}
          >
            <LazyBarChart data={chartData} horizontal formatValue={(v) => `${Number(v).toLocaleString("en-US")}`} />
          </ChartFrame>
          <DataTable
            columnContentTypes={[...types]}
            headings={headings}
            rows={channels.map((c) => valueRow(c, `${c.channel}${c.smallSample ? " (few customers)" : ""}`))}
          />
          <Text as="p" variant="bodySm" tone="subdued">
            "Came back within 12 months" only counts customers whose first order is at least a year old. NPS is from the
            post-purchase survey.
          </Text>
        </TitledCard>
        <TitledCard title="Value per campaign">
          {topCampaigns.length === 0 ? (
            <Text as="p" tone="subdued">
              No first order carried a campaign tag (utm_campaign) yet.
            </Text>
          ) : (
            <DataTable
              columnContentTypes={[...types]}
              headings={["Campaign (channel)", ...headings.slice(1)]}
              rows={topCampaigns.map((c) => valueRow(c, `${c.campaign} (${c.channel})`))}
            />
          )}
        </TitledCard>
        {topCampaigns.length > 0 && (
          <CampaignCostCard
            currency={store.currency}
            campaigns={[
              ...new Set([
                // The largest campaigns get a field each; any other one with spend saved keeps its field (the form
                // replaces the campaign spend); the sheet upload takes every campaign.
                ...topCampaigns.slice(0, CAMPAIGN_FIELDS).map((c) => c.campaign!),
                ...data.campaignCost.campaigns.filter((c) => data.campaignCost.settings.spendMinor[c]),
              ]),
            ]}
            view={data.campaignCost}
            targetRatio={settings.targetRatio}
            result={result?.campaign ?? null}
            submitting={navigation.state === "submitting"}
          />
        )}
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <TitledCard title="The most you can spend to acquire a customer">
                {overall && (
                  <Text as="p" variant="headingLg">
                    {money(overall.maxCac)} per customer
                  </Text>
                )}
                {overall && <Text as="p">{overall.explanation}</Text>}
                {!insight.predictive && (
                  <Banner tone="warning" title="Based on first orders only">
                    There is not enough history for predictions yet, so future purchases count as zero: the figures are
                    a floor.
                  </Banner>
                )}
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                  headings={["Channel", "Customers used", "Value per customer", "Gross profit", "Most you can spend"]}
                  rows={maxCac
                    .filter((r) => r.channel !== null)
                    .map((r) => [
                      `${r.channel}${r.basis === "all" ? " (all customers)" : ""}`,
                      formatCount(r.customers),
                      money(r.valuePerCustomer),
                      money(r.grossProfitPerCustomer),
                      money(r.maxCac),
                    ])}
                />
              </TitledCard>
              {cost.length > 0 && (
                <TitledCard title={`What customers actually cost (last ${settings.spendPeriodDays} days)`}>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
                    headings={["Channel", "Spend", "Customers acquired", "Cost per customer", "Most you can spend", ""]}
                    rows={cost.map((r) => [
                      r.channel,
                      money(r.spendMinor),
                      formatCount(r.customersAcquired),
                      money(r.costPerCustomer),
                      money(r.maxCac),
                      <Badge
                        key={r.channel}
                        tone={r.verdict === "within" ? "success" : r.verdict === "above" ? "critical" : "info"}
                      >
                        {r.verdict === "within" ? "Within" : r.verdict === "above" ? "Too expensive" : "No figure"}
                      </Badge>,
                    ])}
                  />
                  {cost.map((r) => (
                    <Text key={r.channel} as="p" variant="bodySm" tone="subdued">
                      {r.explanation}
                    </Text>
                  ))}
                </TitledCard>
              )}
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <Form method="post">
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Your numbers
                    </Text>
                    {channelResult?.ok && !upload && (
                      <Banner tone="success" title="Saved">
                        The figures use your numbers now.
                      </Banner>
                    )}
                    {channelResult && !channelResult.ok && !upload && (
                      <Banner tone="critical" title="Not saved: please check the fields" />
                    )}
                    <FormLayout>
                      <Select
                        label="Horizon"
                        name="horizonDays"
                        options={INSIGHT_HORIZONS.map((d) => ({ label: horizonLabel(d), value: String(d) }))}
                        value={values.horizonDays}
                        onChange={set("horizonDays")}
                        helpText={data.settingHelp.horizonDays}
                        error={errors.horizonDays}
                      />
                      <TextField
                        label="Gross margin (%)"
                        name="grossMarginPercent"
                        type="number"
                        value={values.grossMarginPercent}
                        onChange={set("grossMarginPercent")}
                        helpText={data.settingHelp.grossMargin}
                        error={errors.grossMarginPercent}
                        autoComplete="off"
                      />
                      <TextField
                        label="Target value-to-cost ratio"
                        name="targetRatio"
                        type="number"
                        value={values.targetRatio}
                        onChange={set("targetRatio")}
                        helpText={data.settingHelp.targetRatio}
                        error={errors.targetRatio}
                        autoComplete="off"
                      />
                      <Select
                        label="Spend period"
                        name="spendPeriodDays"
                        options={SPEND_PERIODS.map((d) => ({ label: `Last ${d} days`, value: String(d) }))}
                        value={values.spendPeriodDays}
                        onChange={set("spendPeriodDays")}
                        helpText="Enter what you spent per channel in this period (optional) to compare the actual cost per customer."
                        error={errors.spendPeriodDays}
                      />
                      {CHANNELS.map((channel, k) =>
                        acquiredChannels.has(channel) || values[`spend-${k}`] ? (
                          <TextField
                            key={channel}
                            label={`${channel} spend (${store.currency})`}
                            name={`spend-${k}`}
                            inputMode="decimal"
                            value={values[`spend-${k}`] ?? ""}
                            onChange={set(`spend-${k}`)}
                            error={errors[`spend-${k}`]}
                            autoComplete="off"
                          />
                        ) : null,
                      )}
                    </FormLayout>
                    <InlineStack align="end">
                      <Button submit variant="primary" loading={navigation.state === "submitting"}>
                        Save
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </Card>
              <Card>
                <Form method="post" encType="multipart/form-data">
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingMd">
                      Upload spend (CSV)
                    </Text>
                    <Text as="p" variant="bodySm">
                      Already keep your ad spend in a spreadsheet? Save it as CSV and upload it here instead of typing
                      each amount.
                    </Text>
                    <List type="bullet">
                      <List.Item>
                        One line per channel: its name, then what you spent, e.g. <code>Paid search, 1200.50</code>. A
                        heading line is fine.
                      </List.Item>
                      <List.Item>
                        Names as on this page (Paid search, Paid social, Email, …) or your ad platforms' (Google Ads,
                        Microsoft Ads, Meta ads, TikTok ads, Pinterest ads, Klaviyo). The same channel twice is added
                        up.
                      </List.Item>
                      <List.Item>
                        Commas, semicolons or tabs between the two; amounts like <code>1,200.50</code> or{" "}
                        <code>1.200,50</code>, with or without a currency sign, in {store.currency}.
                      </List.Item>
                      <List.Item>
                        If any line cannot be read, nothing is saved and the line numbers are shown. A good sheet
                        replaces all spend amounts above; your horizon, margin and target stay.
                      </List.Item>
                    </List>
                    {upload?.ok && (
                      <Banner tone="success" title="Spend uploaded">
                        {`${formatCount(upload.channels)} channel${upload.channels === 1 ? "" : "s"}, ${money(upload.totalMinor)} over the last ${upload.spendPeriodDays} days.`}
                      </Banner>
                    )}
                    {upload && !upload.ok && (
                      <SheetRefusedBanner message={upload.message} lineErrors={upload.lineErrors} />
                    )}
                    <Text as="p" variant="bodySm">
                      <a
                        href={`data:text/csv;charset=utf-8,${encodeURIComponent(
                          spendSheetTemplate(
                            CHANNELS.filter((c) => acquiredChannels.has(c) || settings.spendMinor[c]),
                            settings.spendMinor,
                            Math.round(Math.log10(1 / toMajorUnits(1, store.currency))),
                          ),
                        )}`}
                        download="spend.csv"
                      >
                        Download a sheet to fill in
                      </a>{" "}
                      (your channels, with the spend saved now).
                    </Text>
                    <input type="hidden" name="intent" value="upload-spend" />
                    <Select
                      label="The spend covers"
                      name="spendPeriodDays"
                      options={SPEND_PERIODS.map((d) => ({ label: `Last ${d} days`, value: String(d) }))}
                      value={uploadPeriod}
                      onChange={setUploadPeriod}
                    />
                    <label htmlFor="spend-csv">
                      <Text as="span" variant="bodyMd">
                        Spend sheet
                      </Text>
                    </label>
                    <input
                      id="spend-csv"
                      type="file"
                      name="spendCsv"
                      accept=".csv,.tsv,.txt,text/csv,text/plain"
                      aria-describedby="spend-csv-limit"
                      required
                      onChange={(event) => {
                        // Said before sending: the server refuses a body this large before the page could answer.
                        const file = event.currentTarget.files?.[0];
                        const tooLarge = file !== undefined && file.size > SPEND_CSV_MAX_BYTES;
                        event.currentTarget.setCustomValidity(
                          tooLarge
                            ? `This file is larger than ${SPEND_CSV_MAX_BYTES / 1024} KB: is it the spend sheet?`
                            : "",
                        );
                      }}
                    />
                    <Text as="p" variant="bodySm" tone="subdued" id="spend-csv-limit">
                      {`A .csv or .txt file of at most ${SPEND_CSV_MAX_BYTES / 1024} KB.`}
                    </Text>
                    <InlineStack align="end">
                      <Button submit loading={navigation.state === "submitting"}>
                        Upload
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
        <TitledCard title="What customers say brought them, beside what was tracked">
          {insight.survey.rows.length === 0 ? (
            <Text as="p" tone="subdued">
              No answers to "How did you hear about us?" from customers with orders yet. Add the question to the
              post-purchase survey to compare.
            </Text>
          ) : (
            <>
              <Text as="p" tone="subdued">
                Customers remember the first time they heard of you; tracking records the last click before the order.
                Both are shown side by side: neither is wrong.
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "text"]}
                headings={["They said", "Answers", "Tracked channel agrees", "Tracked as (top 3)"]}
                rows={insight.survey.rows.map((r) => [
                  r.answer,
                  formatCount(r.respondents),
                  formatShare(r.agreementShare),
                  r.byChannel
                    .map((count, k) => ({ count, name: insight.survey.channels[k]! }))
                    .filter((x) => x.count > 0)
                    .sort((a, b) => b.count - a.count)
                    .slice(0, 3)
                    .map((x) => `${x.name} ${x.count}`)
                    .join(", "),
                ])}
              />
            </>
          )}
        </TitledCard>
        <TitledCard title="What each channel means" gap="200">
          <dl style={{ margin: 0 }}>
            {channels.map((c) => (
              <div key={c.channel} style={{ paddingBottom: 6 }}>
                <dt>
                  <Text as="span" fontWeight="semibold">
                    {c.channel}
                  </Text>
                </dt>
                <dd style={{ margin: 0 }}>
                  <Text as="span" variant="bodySm" tone="subdued">
                    {data.descriptions[c.channel]}
                  </Text>
                </dd>
              </div>
            ))}
          </dl>
        </TitledCard>
      </BlockStack>
    </Page>
  );
}
