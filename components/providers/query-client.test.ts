import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { makeQueryClient } from "./query-client";

const failed = (httpStatus: number) =>
  new TRPCClientError("failed", { result: { error: { data: { httpStatus } } } } as never);

describe("the browser's queries", () => {
  it("are asked once more after a server error or a lost connection, never after a 4xx, and only once", () => {
    const retry = makeQueryClient().getDefaultOptions().queries!.retry as (n: number, e: unknown) => boolean;
    expect(retry(0, failed(500))).toBe(true);
    expect(retry(0, new TypeError("Failed to fetch"))).toBe(true);
    for (const status of [400, 401, 403, 404, 429]) expect(retry(0, failed(status)), String(status)).toBe(false);
    expect(retry(1, failed(503))).toBe(false);
  });
});
