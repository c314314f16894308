import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fakeServiceAccount, googleGroups, googleUsers, type FakeGoogle } from "@/test/fakes/google-directory";
import { envOf, googleTestbed, rejection } from "@/test/fakes/google/testbed";
import { GOOGLE_SCOPES } from "./auth";
import { googleConnector, googleSettings } from "./index";

// The service account (domain-wide delegation, the key file, the token endpoint) and the settings,
// through the real connector against the fake (test/fakes/google-directory.ts).
const bed = googleTestbed();
const { sa, dir, admin: ADMIN, keyEnv: KEY_ENV } = bed;
const fake = bed.fake;
const connect = (google: FakeGoogle, settings?: Record<string, unknown>) => bed.connect(google, settings);
const apiRequests = (google: FakeGoogle, suffix: string) =>
  google.state.requests.filter((r) => r.path.startsWith("/admin/") && r.path.endsWith(suffix));

afterAll(() => bed.close());

describe("the service account", () => {
  it("names domain-wide delegation when the token endpoint refuses the scopes", async () => {
    const google = await fake({ delegation: { [sa.clientId]: [GOOGLE_SCOPES[0]] } });
    const connector = connect(google);
    const health = await connector.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain("domain-wide delegation is not granted for scope");
    expect(health.detail).toContain(GOOGLE_SCOPES[1]);
    expect(health.detail).toContain(sa.clientId);
    const e = await rejection(connector.read(null));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("domain-wide delegation");
    expect(google.state.requests.filter((r) => r.path.startsWith("/admin/"))).toEqual([]);
  });

  it("is refused a token for an assertion signed with another key", async () => {
    const google = await fake();
    const impostor = fakeServiceAccount(sa.clientEmail); // same account name, a key Google never issued
    const file = impostor.writeKeyFile(dir, google.tokenUrl, "impostor.json");
    const settings = bed.settings(google);
    const health = await googleConnector(settings, { env: envOf({ [KEY_ENV]: file }) }).health();
    expect(health).toEqual({ ok: false, detail: expect.stringContaining("Invalid JWT Signature.") });
    expect(google.state.tokensIssued).toBe(0);
  });

  it("is retryable when the token endpoint does not answer", async () => {
    const google = await fake();
    const connector = connect(google);
    await google.close(); // nothing listens on the key's token_uri any more
    const e = await rejection(connector.read(null));
    expect(e.retryable).toBe(true);
    expect(e.message).toContain("token endpoint did not answer");
    expect((await connector.health()).ok).toBe(false);
  });

  it("passes on Google's words for an admin it does not know", async () => {
    const google = await fake();
    const health = await connect(google, { adminEmail: "nobody@example.com" }).health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain("Invalid email or User ID");
    expect(health.detail).toContain("nobody@example.com");
  });

  it("says which variable is missing, and that a key file cannot be read, without its content", async () => {
    const google = await fake();
    const settings = bed.settings(google);
    const health = (vars: Record<string, string>) => googleConnector(settings, { env: envOf(vars) }).health();

    const unset = await health({});
    expect(unset).toEqual({ ok: false, detail: expect.stringContaining(`${KEY_ENV} is not set`) });
    const e = await rejection(googleConnector(settings, { env: envOf() }).read(null));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain(KEY_ENV);

    const missing = await health({ [KEY_ENV]: path.join(dir, "no-such-key.json") });
    expect(missing.detail).toContain(`the key file in ${KEY_ENV} cannot be read`);

    const secret = sa.privateKeyPem.split("\n")[5]!;
    const broken = path.join(dir, "broken.json");
    writeFileSync(broken, `{"type":"service_account","private_key":"${secret}`);
    const notJson = await health({ [KEY_ENV]: broken });
    expect(notJson.detail).toContain(`the key file in ${KEY_ENV}`);
    expect(notJson.detail).not.toContain(secret);

    const partial = path.join(dir, "partial.json");
    writeFileSync(partial, JSON.stringify({ ...sa.keyJson(google.tokenUrl), client_email: undefined }));
    const noEmail = await health({ [KEY_ENV]: partial });
    expect(noEmail.detail).toContain("client_email");
    expect(noEmail.detail).not.toContain(secret);
    expect(google.state.requests).toEqual([]);
  });

  it("refuses a token_uri that would send the assertion in the clear", async () => {
    const google = await fake();
    const file = path.join(dir, "http-token-uri.json");
    writeFileSync(file, JSON.stringify(sa.keyJson("http://token.example.net/token")));
    const settings = bed.settings(google);
    const health = await googleConnector(settings, { env: envOf({ [KEY_ENV]: file }) }).health();
    expect(health).toEqual({ ok: false, detail: expect.stringContaining("token_uri") });
  });

  it("never puts the key or the access token in what it says", async () => {
    const google = await fake();
    google.failPath("/admin/directory/v1/users", { status: 401, reason: "authError", message: "Invalid Credentials" });
    const connector = connect(google);
    const e = await rejection(connector.read(null));
    expect(e.retryable).toBe(false);
    expect(e.message).toContain("Invalid Credentials");
    const texts = [e.message, JSON.stringify(e), (await connector.health()).detail];
    for (const text of texts) {
      expect(text).not.toContain(sa.privateKeyPem.split("\n")[3]!);
      expect(text).not.toMatch(/ya29\./);
    }
  });
});

describe("settings", () => {
  const base = { adminEmail: ADMIN, keyFileEnv: KEY_ENV };

  it("defaults the customer and Google's root URL", () => {
    expect(googleSettings.parse(base)).toEqual({
      ...base,
      customer: "my_customer",
      rootUrl: "https://admin.googleapis.com/",
    });
  });

  it("refuses Clearance's own secrets, bad emails and unknown fields", () => {
    expect(googleSettings.safeParse({ ...base, keyFileEnv: "AUTH_SECRET" }).success).toBe(false);
    expect(googleSettings.safeParse({ ...base, keyFileEnv: "not a name" }).success).toBe(false);
    expect(googleSettings.safeParse({ ...base, adminEmail: "admin" }).success).toBe(false);
    expect(googleSettings.safeParse({ ...base, keyFile: "/etc/key.json" }).success).toBe(false);
    expect(googleSettings.safeParse({ ...base, rootUrl: "not a url" }).success).toBe(false);
  });

  it("limits the read to one domain", async () => {
    const users = [...googleUsers(6), ...googleUsers(4, { domain: "other.example", first: 6 })];
    const google = await fake({ users, groups: googleGroups(1, users) });
    const read = await connect(google, { domain: "other.example" }).read(null);
    expect(read.users.map((u) => u.email.split("@")[1])).toEqual(Array(4).fill("other.example"));
    expect(apiRequests(google, "/users")[0]!.query.domain).toBe("other.example");
  });
});
