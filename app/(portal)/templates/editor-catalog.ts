import type { api } from "@/server/api/server";

/** What the template editor offers to pick from: resources, their systems' levels, approver groups. */
export async function editorCatalog(caller: Awaited<ReturnType<typeof api>>) {
  const [catalog, groups] = await Promise.all([caller.policies.catalog(), caller.templates.groups()]);
  return {
    resources: catalog.resources.map((r) => ({ key: r.key, systemKey: r.systemKey })),
    levels: Object.fromEntries(catalog.systems.map((s) => [s.key, s.accessLevels])),
    groups: groups.map((g) => ({ key: g.key, name: g.name })),
  };
}
