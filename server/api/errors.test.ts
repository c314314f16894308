import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFor, fixedClock, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { appRouter } from "./root";
import type { TRPCContext } from "./trpc";

/** Calls the router over HTTP, as the browser does, and returns the error a client sees. */
async function clientError(ctx: TRPCContext, path: string, input: unknown) {
  const url = `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(url),
    router: appRouter,
    createContext: () => ctx,
  });
  const body = (await res.json()) as {
    error: {
      json: { message: string; data: { code: string; httpStatus: number; field: string | null; stack?: string } };
    };
  };
  return { status: res.status, ...body.error.json };
}

describe("what a client sees when a call fails", () => {
  let t: TestDatabase;
  let ctx: TRPCContext;
  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = {
      db: t.db,
      clock: fixedClock(),
      request: { ip: null, userAgent: null },
      actor: await actorFor(t.db, personaEmails.it_admin),
    };
  });
  afterAll(() => t.close());

  it("names the field of invalid input", async () => {
    const e = await clientError(ctx, "identities.list", { page: 0 });
    expect(e.status).toBe(400);
    expect(e.data.field).toBe("page");
    expect(e.message).toMatch(/^page: /);
  });

  it("refuses fields a procedure does not know", async () => {
    const e = await clientError(ctx, "identities.list", { pgae: 2 });
    expect(e.status).toBe(400);
    expect(e.message).toContain("pgae");
  });

  it("maps a domain error to its HTTP meaning", async () => {
    const e = await clientError(ctx, "identities.byId", { id: "00000000-0000-4000-8000-000000000000" });
    expect(e.status).toBe(404);
    expect(e.data).toMatchObject({ code: "NOT_FOUND", field: "id" });
    expect(e.message).toBe("No identity with this id");
  });

  it("never shows an unexpected error's message or stack", async () => {
    const failing = () => {
      throw new Error("relation secret_table does not exist");
    };
    const db = new Proxy(t.db, {
      get: (target, prop) => (prop === "selectDistinct" ? failing : Reflect.get(target, prop)),
    });
    const broken: TRPCContext = { ...ctx, db };
    const e = await clientError(broken, "identities.facets", undefined);
    expect(e.status).toBe(500);
    expect(e.message).toBe("Something went wrong on the server");
    expect(JSON.stringify(e)).not.toContain("secret_table");
  });

  it("answers 401 to a caller without a session", async () => {
    const e = await clientError({ ...ctx, actor: null }, "me.profile", undefined);
    expect(e.status).toBe(401);
  });
});
