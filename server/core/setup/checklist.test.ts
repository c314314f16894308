import { describe, expect, it } from "vitest";
import { connectionWorked, setupChecklist, summarize, type SetupFacts, type SystemFacts } from "./checklist";

const nothing: SetupFacts = {
  signIn: { provider: null },
  hrSources: 0,
  csvImports: 0,
  connectedSystems: [],
  resources: 0,
  policyFiles: 0,
  templates: 0,
  smtpConfigured: false,
  savedTimeZone: null,
};
const ldap = (lastConnection: SystemFacts["lastConnection"]): SystemFacts => ({
  key: "ldap",
  name: "Directory",
  adapterKind: "ldap",
  lastConnection,
});

describe("the setup checklist", () => {
  it("lists eight items, none done on an empty instance, each with a link", () => {
    const s = summarize(setupChecklist(nothing), false);
    expect(s.items.map((i) => i.key)).toEqual([
      "sign-in",
      "people",
      "system",
      "resources",
      "policy",
      "template",
      "email",
      "time-zone",
    ]);
    expect([s.done, s.total, s.showOnHome]).toEqual([0, 8, true]);
    for (const item of s.items) expect(item.links.length).toBeGreaterThan(0);
  });

  it("is done item by item, and leaves IT's home when all are done or when dismissed", () => {
    const all: SetupFacts = {
      signIn: { provider: "Okta" },
      hrSources: 0,
      csvImports: 2,
      connectedSystems: [ldap({ action: "system.connection_tested", after: { adapterKind: "ldap", ok: true } })],
      resources: 3,
      policyFiles: 1,
      templates: 1,
      smtpConfigured: true,
      savedTimeZone: "Europe/Berlin",
    };
    const s = summarize(setupChecklist(all), false);
    expect([s.done, s.showOnHome]).toEqual([8, false]);
    expect(s.items.find((i) => i.key === "people")!.detail).toBe("2 CSV imports.");
    expect(summarize(setupChecklist(nothing), true).showOnHome).toBe(false);
  });

  it("counts a system's adapter as working only when its latest connection word is a success", () => {
    expect(connectionWorked(ldap(null))).toBe(false);
    expect(
      connectionWorked(ldap({ action: "system.connection_tested", after: { adapterKind: "ldap", ok: false } })),
    ).toBe(false);
    expect(
      connectionWorked(ldap({ action: "system.created", after: { adapterKind: "ldap", connectionTested: true } })),
    ).toBe(true);
    // Saved without a test, or a test of another adapter kind than the one saved: not known to work.
    expect(
      connectionWorked(
        ldap({ action: "system.adapter_configured", after: { adapterKind: "ldap", connectionTested: false } }),
      ),
    ).toBe(false);
    expect(
      connectionWorked(ldap({ action: "system.connection_tested", after: { adapterKind: "webhook", ok: true } })),
    ).toBe(false);
    const manual = { ...ldap({ action: "system.created", after: { adapterKind: "manual", connectionTested: true } }) };
    expect(connectionWorked({ ...manual, adapterKind: "manual" })).toBe(false);
  });

  it("says why sign-in is not done when OIDC is half set", () => {
    const [signIn] = setupChecklist({
      ...nothing,
      signIn: { provider: null, problem: "AUTH_OIDC_CLIENT_SECRET not set." },
    });
    expect(signIn).toMatchObject({ done: false, detail: "AUTH_OIDC_CLIENT_SECRET not set." });
  });
});
