/**
 * Request bodies read up to a byte limit, so a client cannot make the server buffer more than that: a declared
 * Content-Length over the limit is refused before reading, and a body without one (chunked) is counted as it
 * arrives and refused at the first byte over. The rest is left unread (server.ts closes such connections after the
 * answer); the stream is not cancelled, because cancelling destroys the socket the 413 must be sent on.
 */

export type BoundedBody = { ok: true; text: string } | { ok: false; reason: "too-large" };

/** Limits per kind of endpoint. */
export const BODY_LIMITS = {
  /** Webhook deliveries (Shopify, WooCommerce): an order with hundreds of lines is well under 1 MiB. */
  webhook: 5 * 1024 * 1024,
  /** WooCommerce's key-exchange callback: six short fields. */
  keyExchange: 16 * 1024,
  /** Forms of Ciclo's own pages (settings, question sets, connect, hosted survey). */
  form: 256 * 1024,
} as const;

export async function readBoundedBody(request: Request, maxBytes: number): Promise<BoundedBody> {
  const bytes = await readBoundedBytes(request, maxBytes);
  return bytes === null ? { ok: false, reason: "too-large" } : { ok: true, text: bytes.toString("utf8") };
}

/** The body's bytes, or null when it is over `maxBytes`. */
export async function readBoundedBytes(request: Request, maxBytes: number): Promise<Buffer | null> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return null;
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) return null;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}

export function payloadTooLarge(): Response {
  return new Response("Payload too large", { status: 413, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** `request.formData()`, bounded: throws a 413 Response when the body is over `maxBytes`. */
export async function boundedFormData(request: Request, maxBytes: number = BODY_LIMITS.form): Promise<FormData> {
  const bytes = await readBoundedBytes(request, maxBytes);
  if (bytes === null) throw payloadTooLarge();
  const type = request.headers.get("content-type") ?? "application/x-www-form-urlencoded";
  try {
    const copy = new Request("http://form.invalid/", {
      method: "POST",
      headers: { "content-type": type },
      body: new Uint8Array(bytes),
    });
    return await copy.formData();
  } catch {
    throw new Response("Form data could not be read", { status: 400 });
  }
}
