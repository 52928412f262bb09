/**
 * Settings: the tags written to customers (prefix and families), when the nightly recompute runs, the
 * segment and lifecycle thresholds, the survey cooldown, and the store's data export and deletion. Every field
 * is validated on the server with a message next to it.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { requireStore } from "../auth/admin-context.server";
import { services } from "../services.server";
import { readSettings, saveSettings } from "../read-models/settings.server";
import {
  TAG_FAMILIES,
  TAG_FAMILY_LABELS,
  type SettingsErrors,
  type SettingsValues,
  type Thresholds,
} from "../domain/settings";
import { deleteStoreData } from "../read-models/store-data.server";
import { listDataRequests, purgeExpiredDataRequests, REPORT_DAYS } from "../read-models/data-requests.server";
import { DownloadButton } from "../components/DownloadButton";
import { boundedFormData } from "../security/bounded-body.server";

export const meta = () => [{ title: "Settings · Ciclo" }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { store, embedded } = await requireStore(request);
  const { db } = services();
  await purgeExpiredDataRequests(db);
  const [settings, dataRequests] = await Promise.all([readSettings(db, store.id), listDataRequests(db, store.id)]);
  return { settings, embedded, domain: store.domain, timezone: store.timezone, dataRequests, reportDays: REPORT_DAYS };
};

type ActionResult =
  | { intent: "save"; ok: true }
  | { intent: "save"; ok: false; errors: SettingsErrors }
  | { intent: "delete"; ok: true; deleted: number }
  | { intent: "delete"; ok: false; error: string };

export const action = async ({ request }: ActionFunctionArgs): Promise<ActionResult> => {
  const { store } = await requireStore(request);
  const form = await boundedFormData(request);
  if (form.get("intent") === "delete") {
    const result = await deleteStoreData(services().db, store, String(form.get("confirm") ?? ""));
    return result.ok
      ? { intent: "delete", ok: true, deleted: Object.values(result.deleted).reduce((a, b) => a + b, 0) }
      : { intent: "delete", ok: false, error: result.error };
  }
  const result = await saveSettings(services().db, store.id, form);
  return result.ok ? { intent: "save", ok: true } : { intent: "save", ok: false, errors: result.errors };
};

const HOURS = Array.from({ length: 24 }, (_, h) => ({ label: `${String(h).padStart(2, "0")}:00`, value: String(h) }));

function formState(settings: SettingsValues) {
  return {
    tagPrefix: settings.tagPrefix,
    tagFamilies: settings.tagFamilies as string[],
    pushMetafields: settings.pushMetafields,
    scheduleHour: String(settings.scheduleHour),
    surveyCooldownDays: String(settings.surveyCooldownDays),
    rfmBins: String(settings.thresholds.rfmBins),
    atRiskGaps: String(settings.thresholds.atRiskGaps),
    lostGaps: String(settings.thresholds.lostGaps),
    atRiskPAlive: String(settings.thresholds.atRiskPAlive),
    lostPAlive: String(settings.thresholds.lostPAlive),
    heroShare: String(settings.thresholds.heroShare),
  };
}

export default function SettingsPage() {
  const { settings, embedded, domain, timezone, dataRequests, reportDays } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [values, setValues] = useState(() => formState(settings));
  const [confirm, setConfirm] = useState("");
  useEffect(() => setValues(formState(settings)), [settings]);
  const errors: SettingsErrors = result?.intent === "save" && !result.ok ? result.errors : {};
  const set = (name: keyof ReturnType<typeof formState>) => (value: string) =>
    setValues((v) => ({ ...v, [name]: value }));
  // The six threshold fields are wired alike; naming each once keeps its form name, value and error key in step.
  const thresholdField = (name: keyof Thresholds) => ({
    name,
    value: values[name],
    onChange: set(name),
    error: errors[`thresholds.${name}` as const],
    autoComplete: "off",
  });
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";

  return (
    <Page title="Settings">
      <BlockStack gap="500">
        {result?.intent === "save" && result.ok && (
          <Banner tone="success" title="Settings saved">
            They apply from the next recompute.
          </Banner>
        )}
        {result?.intent === "save" && !result.ok && (
          <Banner tone="critical" title="Not saved: please check the highlighted fields" />
        )}
        <Form method="post">
          <input type="hidden" name="intent" value="save" />
          {values.tagFamilies.map((f) => (
            <input key={f} type="hidden" name="tagFamilies" value={f} />
          ))}
          <Layout>
            <Layout.AnnotatedSection
              title="Customer tags"
              description="Segments are written to your customers as tags for Flow, Shopify Email, Klaviyo and ad audiences. Tags without this prefix are never touched."
            >
              <Card>
                <FormLayout>
                  <TextField
                    label="Tag prefix"
                    name="tagPrefix"
                    value={values.tagPrefix}
                    onChange={set("tagPrefix")}
                    error={errors.tagPrefix}
                    autoComplete="off"
                    helpText={`Tags look like ${values.tagPrefix}rfm-champions. Changing it leaves tags with the old prefix on customers.`}
                  />
                  <ChoiceList
                    allowMultiple
                    title="Which tags to write"
                    choices={TAG_FAMILIES.map((f) => ({ label: TAG_FAMILY_LABELS[f], value: f }))}
                    selected={values.tagFamilies}
                    onChange={(tagFamilies) => setValues((v) => ({ ...v, tagFamilies }))}
                    error={errors.tagFamilies}
                  />
                  <Checkbox
                    label="Also write customer metafields (segment, stage, value, chance still a customer, next order date)"
                    name="pushMetafields"
                    checked={values.pushMetafields}
                    onChange={(pushMetafields) => setValues((v) => ({ ...v, pushMetafields }))}
                  />
                  {values.pushMetafields && <input type="hidden" name="pushMetafields" value="on" />}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              title="Nightly recompute"
              description={`Every customer is re-scored once a night, in your store's time zone (${timezone}).`}
            >
              <Card>
                <Select
                  label="Run at"
                  name="scheduleHour"
                  options={HOURS}
                  value={values.scheduleHour}
                  onChange={set("scheduleHour")}
                  error={errors.scheduleHour}
                />
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              title="Segment and stage thresholds"
              description="Scores compare each customer with your other customers. Change these only if the defaults don't fit your store's rhythm."
            >
              <Card>
                <FormLayout>
                  <TextField
                    label="Score levels for recency, frequency and spend"
                    type="number"
                    {...thresholdField("rfmBins")}
                    helpText="5 = quintiles (default)."
                  />
                  <FormLayout.Group>
                    <TextField
                      label="“At risk” after this many usual gaps without an order"
                      {...thresholdField("atRiskGaps")}
                    />
                    <TextField label="“Lost” after this many usual gaps" {...thresholdField("lostGaps")} />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      label="“At risk” below this chance of still being a customer"
                      {...thresholdField("atRiskPAlive")}
                    />
                    <TextField label="“Lost” below this chance" {...thresholdField("lostPAlive")} />
                  </FormLayout.Group>
                  <TextField
                    label="Share of customers who can be Heroes (top orders and spend)"
                    {...thresholdField("heroShare")}
                    helpText="0.2 = top 20%."
                  />
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              title="Surveys"
              description="How long before the same customer is asked again on the same page."
            >
              <Card>
                <TextField
                  label="Days between surveys for one customer"
                  name="surveyCooldownDays"
                  type="number"
                  value={values.surveyCooldownDays}
                  onChange={set("surveyCooldownDays")}
                  error={errors.surveyCooldownDays}
                  autoComplete="off"
                />
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection title="">
              <InlineStack align="end">
                <Button submit variant="primary" loading={saving}>
                  Save settings
                </Button>
              </InlineStack>
            </Layout.AnnotatedSection>
          </Layout>
        </Form>
        <Layout>
          <Layout.AnnotatedSection
            title="Your data"
            description="Download what Ciclo holds for your store, or delete it."
          >
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    Export
                  </Text>
                  <InlineStack gap="200">
                    <DownloadButton url="/app/settings/export" filename="ciclo-customers.csv" embedded={embedded}>
                      Customers and scores (CSV)
                    </DownloadButton>
                    <DownloadButton url="/app/surveys/export" filename="ciclo-survey-answers.csv" embedded={embedded}>
                      Survey answers (CSV)
                    </DownloadButton>
                  </InlineStack>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">
                    Customer data requests
                  </Text>
                  <Text as="p" tone="subdued">
                    When a customer asks your store what it holds on them, Ciclo prepares its part here. Each report can
                    be downloaded for {reportDays} days, then it is deleted.
                  </Text>
                  {dataRequests.length === 0 ? (
                    <Text as="p">No data requests in the last {reportDays} days.</Text>
                  ) : (
                    <BlockStack gap="200">
                      {dataRequests.map((item) => (
                        <InlineStack key={item.id} gap="300" blockAlign="center">
                          <Text as="span">
                            Customer {item.customerExternalId}, {item.createdAt.slice(0, 10)} (kept until{" "}
                            {item.expiresAt.slice(0, 10)})
                          </Text>
                          <DownloadButton
                            url={`/app/settings/data-requests/${item.id}`}
                            filename={`ciclo-data-request-${item.customerExternalId}.json`}
                            embedded={embedded}
                          >
                            Download report (JSON)
                          </DownloadButton>
                        </InlineStack>
                      ))}
                    </BlockStack>
                  )}
                </BlockStack>
              </Card>
              <Card>
                <Form method="post">
                  <input type="hidden" name="intent" value="delete" />
                  <BlockStack gap="300">
                    <Text as="h2" variant="headingSm">
                      Delete all data
                    </Text>
                    <Text as="p">
                      Deletes every customer, order, score, survey answer and setting Ciclo holds for this store. The
                      app stays installed; re-sync from the Sync page to start again. Tags already on your customers
                      stay until you remove them in your store.
                    </Text>
                    {result?.intent === "delete" && !result.ok && <Banner tone="critical">{result.error}</Banner>}
                    {result?.intent === "delete" && result.ok && (
                      <Banner tone="success">Deleted {result.deleted.toLocaleString()} records.</Banner>
                    )}
                    <TextField
                      label={`Type ${domain} to confirm`}
                      name="confirm"
                      value={confirm}
                      onChange={setConfirm}
                      autoComplete="off"
                    />
                    <InlineStack>
                      <Button
                        submit
                        tone="critical"
                        variant="primary"
                        disabled={confirm.trim().toLowerCase() !== domain.toLowerCase()}
                      >
                        Delete all data
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </Form>
              </Card>
            </BlockStack>
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}
