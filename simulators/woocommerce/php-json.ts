/**
 * WordPress encodes JSON with PHP's json_encode defaults: "/" becomes "\/" and every non-ASCII character a
 * \uXXXX escape. Webhook signatures cover these exact bytes, so a receiver must verify the raw body, never a
 * re-serialization. The simulator reproduces the encoding so tests would catch a receiver that re-serializes.
 */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, "\\/")
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
