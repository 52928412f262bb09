/**
 * The staged upload's multipart body, built by hand from the file's encoded slices, reads back as the same form a
 * multipart parser (undici's, as storage services and the simulator use) sees: every field, then the file whole.
 */
import { describe, expect, it } from "vitest";
import { multipartBody, streamOf } from "../../../../app/platforms/shopify/tags/multipart-body";

describe("multipart upload body", () => {
  it("reads back as the target's fields and the file's bytes in order", async () => {
    const utf8 = new TextEncoder();
    const slices = [
      '{"id":"gid://shopify/Customer/1","tags":["ciclo:é"]}\n',
      '{"id":"gid://shopify/Customer/2"}\n',
    ].map((line) => utf8.encode(line));
    const fields = [
      { name: "key", value: "tmp/1/bulk/abc/vars.jsonl" },
      { name: 'x-goog-"odd"', value: "line one\r\nline two" },
    ];
    const { contentType, parts, length } = multipartBody(fields, {
      filename: "ciclo-tagsAdd.jsonl",
      type: "text/jsonl",
      bytes: slices,
    });

    const bytes = new Uint8Array(await new Response(streamOf(parts)).arrayBuffer());
    expect(bytes.byteLength).toBe(length);
    const form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    expect(form.get("key")).toBe("tmp/1/bulk/abc/vars.jsonl");
    expect(form.get('x-goog-"odd"')).toBe("line one\r\nline two");
    const file = form.get("file") as File;
    expect(file.name).toBe("ciclo-tagsAdd.jsonl");
    expect(file.type).toBe("text/jsonl");
    expect(await file.text()).toBe(
      '{"id":"gid://shopify/Customer/1","tags":["ciclo:é"]}\n{"id":"gid://shopify/Customer/2"}\n',
    );
    expect([...form.keys()]).toEqual(["key", 'x-goog-"odd"', "file"]);
  });

  it("gives every body its own boundary", () => {
    const a = multipartBody([], { filename: "a", type: "text/plain", bytes: [] });
    const b = multipartBody([], { filename: "a", type: "text/plain", bytes: [] });
    expect(a.contentType).not.toBe(b.contentType);
  });
});
