/**
 * The setup checklist (issue 15, point 3): what a new organization sets up before Clearance is of
 * use, each item read from the real state (server/services/setup-checklist.ts gathers it), with a
 * sentence saying what is there or what to do, and a link to the page where it is done.
 */

export type SetupItemKey =
  "sign-in" | "people" | "system" | "resources" | "policy" | "template" | "email" | "time-zone";

export interface SetupItem {
  key: SetupItemKey;
  title: string;
  done: boolean;
  /** What is there when done; what to do when not. */
  detail: string;
  /** Where it is done: the first is the item's page, a second an alternative way. */
  links: { href: string; label: string }[];
}

/** The last word the audit trail has on a system's connection (created, adapter saved, or tested). */
export interface ConnectionEvidence {
  action: "system.created" | "system.adapter_configured" | "system.connection_tested";
  after: unknown;
}

export interface SystemFacts {
  key: string;
  name: string;
  adapterKind: string;
  lastConnection: ConnectionEvidence | null;
}

export interface SetupFacts {
  /** The OIDC provider's name when AUTH_OIDC_* is set; `problem` when it is set but incomplete. */
  signIn: { provider: string | null; problem?: string };
  /** HR sources whose token is not revoked (HR events and SCIM both sign in with one). */
  hrSources: number;
  csvImports: number;
  /** Systems not retired whose adapter is not "manual". */
  connectedSystems: readonly SystemFacts[];
  /** Resources on systems that are not retired. */
  resources: number;
  /** Policy files in the active version of the policy set. */
  policyFiles: number;
  /** Active request templates people can ask with (origin catalog). */
  templates: number;
  smtpConfigured: boolean;
  /** The organization's zone if an IT admin ever saved one (UTC is the unsaved default). */
  savedTimeZone: string | null;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Whether a system's adapter is known to work: "manual" adapters talk to nothing, so only another
 * kind counts, and only when the audit trail's latest word on its connection is a success: a
 * connection test that answered ok for that adapter kind, or a save made after a passing test
 * (adding a system or saving its adapter tests the connection unless IT chose to save without one).
 * Asking every adapter's health on each visit would make the page as slow as the slowest system;
 * the Systems page asks live.
 */
export function connectionWorked(system: SystemFacts): boolean {
  const last = system.lastConnection;
  if (system.adapterKind === "manual" || !last) return false;
  const after = (last.after ?? {}) as Record<string, unknown>;
  if (after.adapterKind !== system.adapterKind) return false;
  return last.action === "system.connection_tested" ? after.ok === true : after.connectionTested === true;
}

/** An item done once there is at least one of something: how many, or what to do, and where. */
function countedItem(item: {
  key: SetupItemKey;
  title: string;
  count: number;
  doneDetail: (count: number) => string;
  todo: string;
  doneLink: { href: string; label: string };
  todoLink: { href: string; label: string };
}): SetupItem {
  const done = item.count > 0;
  return {
    key: item.key,
    title: item.title,
    done,
    detail: done ? item.doneDetail(item.count) : item.todo,
    links: [done ? item.doneLink : item.todoLink],
  };
}

export function setupChecklist(facts: SetupFacts): SetupItem[] {
  const working = facts.connectedSystems.filter(connectionWorked);
  const untested = facts.connectedSystems.filter((s) => !connectionWorked(s));
  return [
    {
      key: "sign-in",
      title: "Sign-in",
      done: facts.signIn.provider !== null,
      detail: facts.signIn.provider
        ? `People sign in through ${facts.signIn.provider} (OIDC); IT admins and auditors are named on Portal roles.`
        : (facts.signIn.problem ??
          "Set AUTH_OIDC_ISSUER, AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET for your identity provider and restart (docs/deploy.md)."),
      // Sign-in is set in the environment; the page about who signs in as what is Portal roles.
      links: [{ href: "/portal-roles", label: "Portal roles" }],
    },
    {
      key: "people",
      title: "People: an HR source or a CSV import",
      done: facts.hrSources > 0 || facts.csvImports > 0,
      detail:
        facts.hrSources > 0 || facts.csvImports > 0
          ? [
              facts.hrSources > 0 && `${plural(facts.hrSources, "HR source")} with a token`,
              facts.csvImports > 0 && `${plural(facts.csvImports, "CSV import")}`,
            ]
              .filter(Boolean)
              .join(" and ") + "."
          : "Give your HR system (or SCIM client) a token, or import people from a CSV file.",
      links: [
        { href: "/identities/hr-sources", label: "HR sources" },
        { href: "/identities/import", label: "Import a CSV" },
      ],
    },
    {
      key: "system",
      title: "A system with a working adapter",
      done: working.length > 0,
      detail:
        working.length > 0
          ? `${working.map((s) => s.name).join(", ")}: the last connection test passed.`
          : untested.length > 0
            ? `Test the connection of ${untested.map((s) => s.name).join(", ")}: no passing test is on record.`
            : "Add a system on an adapter that reaches it (LDAP, PostgreSQL, webhook) and test its connection.",
      links:
        working.length > 0
          ? [{ href: "/systems", label: "Systems" }]
          : [
              ...untested.slice(0, 1).map((s) => ({ href: `/systems/${s.key}`, label: `Open ${s.name}` })),
              { href: "/systems/new", label: "Add a system" },
            ],
    },
    countedItem({
      key: "resources",
      title: "Resources",
      count: facts.resources,
      doneDetail: (n) => `${plural(n, "resource")} in the catalog.`,
      todo: "Add the groups, roles or channels people get access to, on a system's page.",
      doneLink: { href: "/systems", label: "Systems" },
      todoLink: { href: "/systems", label: "Systems" },
    }),
    countedItem({
      key: "policy",
      title: "A first policy",
      count: facts.policyFiles,
      doneDetail: (n) => `${plural(n, "policy file")} in the active version.`,
      todo: "Write who gets what from their HR attributes.",
      doneLink: { href: "/policies", label: "Policies" },
      todoLink: { href: "/policies/edit", label: "Write a policy" },
    }),
    countedItem({
      key: "template",
      title: "A first request template",
      count: facts.templates,
      doneDetail: (n) => `${plural(n, "request template")} people can ask with.`,
      todo: "Say what people may ask for, for how long, and who approves.",
      doneLink: { href: "/templates", label: "Request templates" },
      todoLink: { href: "/templates/new", label: "Add a template" },
    }),
    {
      key: "email",
      title: "Email (SMTP)",
      done: facts.smtpConfigured,
      detail: facts.smtpConfigured
        ? "Mail is sent over SMTP_URL."
        : "Set SMTP_URL and restart: until then mail waits in the outbox and nobody is told.",
      links: [{ href: "/outbox", label: "Outbox" }],
    },
    {
      key: "time-zone",
      title: "The organization's time zone",
      done: facts.savedTimeZone !== null,
      detail: facts.savedTimeZone
        ? `Days given for an expiry end at midnight in ${facts.savedTimeZone}.`
        : "Save your zone: until then days given for an expiry end at midnight UTC.",
      links: [{ href: "/exceptions/settings", label: "Organization time zone" }],
    },
  ];
}

export interface ChecklistSummary {
  items: SetupItem[];
  done: number;
  total: number;
  dismissed: boolean;
  /** The card on IT's home: until dismissed or everything is done. */
  showOnHome: boolean;
}

export function summarize(items: SetupItem[], dismissed: boolean): ChecklistSummary {
  const done = items.filter((i) => i.done).length;
  return { items, done, total: items.length, dismissed, showOnHome: !dismissed && done < items.length };
}
