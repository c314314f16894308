import { expect, test } from "./fixtures";

/**
 * The SCIM routes as Next.js dispatches them in the production build (issue 16): discovery by id,
 * .search under /Users and at the root, /Groups, and a SCIM error (never the portal's HTML page) for any other
 * path or method under /api/scim/v2. What each answers is tested in server/api/scim-reads.test.ts.
 */
test("every path under /api/scim/v2 answers as SCIM: documents by id, .search, and SCIM errors for the rest", async ({
  request,
}) => {
  const scimError = async (response: Awaited<ReturnType<typeof request.get>>, status: number) => {
    expect(response.status(), response.url()).toBe(status);
    expect(response.headers()["content-type"]).toBe("application/scim+json");
    expect(await response.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: String(status),
    });
  };
  const user = await request.get("/api/scim/v2/ResourceTypes/User");
  expect(user.status()).toBe(200);
  expect(await user.json()).toMatchObject({ id: "User", endpoint: "/Users" });
  const enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
  expect(await (await request.get(`/api/scim/v2/Schemas/${enterprise}`)).json()).toMatchObject({ id: enterprise });
  expect(await (await request.get("/api/scim/v2/ResourceTypes/Group")).json()).toMatchObject({ endpoint: "/Groups" });
  await scimError(await request.get("/api/scim/v2/ResourceTypes/Role"), 404);
  // /Groups and /Groups/{id} reach the SCIM handler: without a token, its 401; a POST to a group is 405.
  await scimError(await request.get("/api/scim/v2/Groups"), 401);
  await scimError(await request.get("/api/scim/v2/Groups/abc"), 401);
  await scimError(await request.post("/api/scim/v2/Groups/abc", { data: {} }), 405);
  // Both searches reach the SCIM handler: without a token, its 401.
  const search = { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"] };
  await scimError(await request.post("/api/scim/v2/Users/.search", { data: search }), 401);
  await scimError(await request.post("/api/scim/v2/.search", { data: search }), 401);
  for (const path of ["/api/scim/v2/Bulk", "/api/scim/v2/Groups/a/b", "/api/scim/v2/Users/a/b"])
    await scimError(await request.get(path), 404);
  await scimError(await request.get("/api/scim/v2"), 404);
  await scimError(await request.get("/api/scim/v2/Me"), 501);
  await scimError(await request.get("/api/scim/v2/.search"), 405);
  await scimError(await request.delete("/api/scim/v2/Users"), 405);
  await scimError(await request.post("/api/scim/v2/ServiceProviderConfig", { data: {} }), 405);
});
