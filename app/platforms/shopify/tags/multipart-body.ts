/**
 * A multipart/form-data body of text fields and one file given as byte slices, as one buffer (a known length:
 * storage services' POST uploads want a Content-Length, not a chunked body). Encoded the way browsers and undici's
 * FormData encode it (WHATWG): quotes and line breaks in names and the filename percent-escaped.
 */
import { randomBytes } from "node:crypto";

export interface MultipartFile {
  filename: string;
  type: string;
  bytes: readonly Uint8Array[];
}

const escapeName = (name: string) => name.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");

export function multipartBody(
  fields: readonly { name: string; value: string }[],
  file: MultipartFile & { field?: string },
): { contentType: string; body: Uint8Array<ArrayBuffer> } {
  const boundary = `----CicloBoundary${randomBytes(12).toString("hex")}`;
  let head = "";
  for (const f of fields)
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(f.name)}"\r\n\r\n${f.value}\r\n`;
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeName(file.field ?? "file")}"; ` +
    `filename="${escapeName(file.filename)}"\r\nContent-Type: ${file.type}\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), ...file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}
