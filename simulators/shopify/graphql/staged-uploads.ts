/**
 * Staged uploads for bulk mutation variables, shaped like Shopify's (stagedUploadsCreate with resource
 * BULK_MUTATION_VARIABLES and httpMethod POST): a target URL on the simulator standing in for Google Cloud Storage,
 * and the form parameters of a signed POST policy (`key`, `Content-Type`, `success_action_status`, `acl`,
 * `policy`, `x-goog-*`). The app posts them as multipart/form-data with the file last; the `key` value is the
 * `stagedUploadPath` for bulkOperationRunMutation. Uploads answer like the storage service: 201 with an XML
 * PostResponse, or 400/403 with an XML Error.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SimulatedShop } from "../store";

/** 2026 limit for bulk mutation variable files (changelog "Faster bulk operations": 100 MB, up from 20 MB). */
export const MAX_STAGED_UPLOAD_BYTES = 100 * 1024 * 1024;
const POLICY_LIFETIME_MS = 60 * 60 * 1000;
const BUCKET = "shopify-staged-uploads";

export interface StagedUploadInput {
  resource: string;
  filename: string;
  mimeType: string;
  httpMethod?: string | null;
  fileSize?: string | null;
}

export interface StagedTarget {
  url: string;
  resourceUrl: string;
  parameters: { name: string; value: string }[];
}

export interface StoredUpload {
  shopDomain: string;
  path: string;
  size: number;
}

interface Policy {
  expiration: string;
  conditions: unknown[];
}

export class StagedUploadError extends Error {}

export function storageErrorXml(code: string, message: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

export class StagedUploads {
  private readonly secret = randomBytes(32);
  /** key -> shop that asked for the target (until uploaded). */
  private readonly pending = new Map<string, string>();
  private readonly stored = new Map<string, StoredUpload>();
  private readonly uploadsByShop = new Map<string, number>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly dir: string,
  ) {}

  /** One target per input; only BULK_MUTATION_VARIABLES over POST is modelled. */
  create(shop: SimulatedShop, input: StagedUploadInput): StagedTarget {
    if (input.resource !== "BULK_MUTATION_VARIABLES")
      throw new StagedUploadError(
        `stagedUploadsCreate resource ${input.resource} is not supported by the local Shopify simulator (only BULK_MUTATION_VARIABLES)`,
      );
    if ((input.httpMethod ?? "PUT") !== "POST")
      throw new StagedUploadError(
        "the local Shopify simulator only models httpMethod: POST for bulk mutation variables",
      );
    const key = `tmp/${shop.info.id}/bulk/${randomUUID()}/${input.filename.replace(/[^A-Za-z0-9._-]/g, "_")}`;
    const date = new Date()
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const credential = `simulator-uploads@ciclo-sim.iam.gserviceaccount.com/${date.slice(0, 8)}/auto/storage/goog4_request`;
    const policy: Policy = {
      expiration: new Date(Date.now() + POLICY_LIFETIME_MS).toISOString(),
      conditions: [
        { bucket: BUCKET },
        { key },
        { "Content-Type": input.mimeType },
        { success_action_status: "201" },
        { acl: "private" },
        ["content-length-range", 1, MAX_STAGED_UPLOAD_BYTES],
      ],
    };
    const encoded = Buffer.from(JSON.stringify(policy)).toString("base64");
    this.pending.set(key, shop.domain);
    const url = `${this.baseUrl()}/staged-uploads/`;
    return {
      url,
      resourceUrl: `${url}${key}`,
      parameters: [
        { name: "Content-Type", value: input.mimeType },
        { name: "success_action_status", value: "201" },
        { name: "acl", value: "private" },
        { name: "key", value: key },
        { name: "x-goog-date", value: date },
        { name: "x-goog-credential", value: credential },
        { name: "x-goog-algorithm", value: "GOOG4-RSA-SHA256" },
        { name: "x-goog-signature", value: this.sign(encoded) },
        { name: "policy", value: encoded },
      ],
    };
  }

  private sign(policy: string): string {
    return createHmac("sha256", this.secret).update(policy).digest("hex");
  }

  /** Handles the multipart POST of an upload. */
  async receive(contentType: string, body: Buffer): Promise<{ status: number; body: string; shopDomain?: string }> {
    if (!contentType.startsWith("multipart/form-data"))
      return { status: 400, body: storageErrorXml("InvalidArgument", "POST requires multipart/form-data.") };
    let form: FormData;
    try {
      form = await new Request("http://storage.local/", {
        method: "POST",
        headers: { "content-type": contentType },
        body: new Uint8Array(body),
      }).formData();
    } catch {
      return { status: 400, body: storageErrorXml("InvalidArgument", "Malformed multipart body.") };
    }
    const field = (name: string) => {
      const v = form.get(name);
      return typeof v === "string" ? v : null;
    };
    const policy = field("policy");
    const signature = field("x-goog-signature");
    const key = field("key");
    if (!policy || !signature || !key)
      return { status: 400, body: storageErrorXml("InvalidArgument", "Missing policy, signature or key.") };
    if (signature !== this.sign(policy))
      return {
        status: 403,
        body: storageErrorXml(
          "SignatureDoesNotMatch",
          "The request signature we calculated does not match the signature you provided.",
        ),
      };
    const decoded = JSON.parse(Buffer.from(policy, "base64").toString("utf8")) as Policy;
    if (Date.parse(decoded.expiration) < Date.now())
      return { status: 403, body: storageErrorXml("AccessDenied", "Invalid according to Policy: Policy expired.") };
    const expectedKey = decoded.conditions.find(
      (c): c is { key: string } => typeof c === "object" && c !== null && "key" in c,
    )?.key;
    const shopDomain = this.pending.get(key);
    if (key !== expectedKey || !shopDomain)
      return {
        status: 403,
        body: storageErrorXml("AccessDenied", "Invalid according to Policy: Policy Condition failed: key"),
      };
    const file = form.get("file");
    if (!(file instanceof Blob))
      return { status: 400, body: storageErrorXml("InvalidArgument", "Missing file field.") };
    if (file.size < 1 || file.size > MAX_STAGED_UPLOAD_BYTES)
      return {
        status: 400,
        body: storageErrorXml("EntityTooLarge", "Your proposed upload is outside the allowed size range."),
      };
    const path = join(this.dir, `upload-${randomBytes(8).toString("hex")}.jsonl`);
    writeFileSync(path, Buffer.from(await file.arrayBuffer()));
    this.pending.delete(key);
    this.stored.set(key, { shopDomain, path, size: file.size });
    this.uploadsByShop.set(shopDomain, (this.uploadsByShop.get(shopDomain) ?? 0) + 1);
    const etag = `"${randomBytes(16).toString("hex")}"`;
    return {
      status: 201,
      shopDomain,
      body: `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>${this.baseUrl()}/staged-uploads/${key}</Location><Bucket>${BUCKET}</Bucket><Key>${key}</Key><ETag>${etag}</ETag></PostResponse>`,
    };
  }

  /** The uploaded file behind a stagedUploadPath, if this shop uploaded it. */
  lookup(shopDomain: string, stagedUploadPath: string): StoredUpload | null {
    const f = this.stored.get(stagedUploadPath);
    return f && f.shopDomain === shopDomain ? f : null;
  }

  uploadCount(shopDomain: string): number {
    return this.uploadsByShop.get(shopDomain) ?? 0;
  }
}
