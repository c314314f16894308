import { describe, expect, it } from "vitest";
import { isDomainError } from "@/server/core/errors";
import { readBodyText, readJsonBody, withBodyLimit } from "./body";

const MB = 1024 * 1024;

/** A request whose body would be `total` bytes, counting how many the server actually pulled. */
function streamingRequest(total: number, headers: Record<string, string> = {}) {
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const request = new Request("http://clearance.test/api/x", {
    method: "POST",
    body,
    headers,
    duplex: "half",
  } as RequestInit);
  return { request, pulled: () => pulled };
}

describe("request bodies are read up to a limit and no further", () => {
  it("stops reading a 50 MB body at the limit and refuses it with TOO_LARGE naming the body", async () => {
    const { request, pulled } = streamingRequest(50 * MB);
    const error = await readBodyText(request, 256 * 1024).catch((e: unknown) => e);
    expect(isDomainError(error) && { code: error.code, field: error.field, message: error.message }).toEqual({
      code: "TOO_LARGE",
      field: "body",
      message: "The request body is larger than 256 KB",
    });
    // A chunk or two past the limit (streams buffer one ahead), not the 50 MB.
    expect(pulled()).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024);
  });

  it("refuses a body that declares itself too large without reading any of it", async () => {
    const { request, pulled } = streamingRequest(50 * MB, { "content-length": String(50 * MB) });
    await expect(readBodyText(request, MB)).rejects.toMatchObject({ code: "TOO_LARGE", field: "body" });
    expect(pulled()).toBe(0);
  });

  it("reads a body within the limit whole, and names the body when it is not JSON", async () => {
    const json = JSON.stringify({ event: "employee.hired", name: "Zoë" });
    expect(await readJsonBody(new Request("http://clearance.test/", { method: "POST", body: json }), 1024)).toEqual({
      event: "employee.hired",
      name: "Zoë",
    });
    expect(
      await readBodyText(new Request("http://clearance.test/", { method: "POST", body: "x".repeat(1024) }), 1024),
    ).toHaveLength(1024);
    await expect(
      readJsonBody(new Request("http://clearance.test/", { method: "POST", body: "{nope" }), 1024),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "body" });
  });

  it("wraps a request so that whoever reads it later (tRPC, Auth.js) gets the error at the limit", async () => {
    const { request, pulled } = streamingRequest(50 * MB);
    let limit = 0;
    const wrapped = withBodyLimit(
      request,
      () => limit,
      (max) => new RangeError(`over ${max}`),
    );
    limit = 128 * 1024; // decided after the wrap, before the read, as the tRPC route does
    await expect(wrapped.text()).rejects.toThrow("over 131072");
    expect(pulled()).toBeLessThanOrEqual(limit + 2 * 64 * 1024);
  });
});
