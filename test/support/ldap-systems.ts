import { eq, inArray } from "drizzle-orm";
import { resourceGroupCn } from "@/server/adapters/ldap";
import type { Db } from "@/server/db/client";
import { resources, systems } from "@/server/db/schema";
import type { Slapd } from "./slapd";

/**
 * Points seeded systems at a test slapd with "resource" group naming (one groupOfNames per
 * resource and level, as directories that mirror application access do), and creates every
 * group those systems' resources could need.
 */
export async function connectSystemsToSlapd(db: Db, slapd: Slapd, systemKeys: readonly string[]) {
  const config = {
    url: slapd.url,
    bindDn: slapd.bindDn,
    bindPassword: slapd.bindPassword,
    groupBaseDn: slapd.groupBaseDn,
    userDnTemplate: slapd.userDnTemplate,
    groupNaming: "resource",
  };
  await db
    .update(systems)
    .set({ adapterKind: "ldap", adapterConfig: config })
    .where(inArray(systems.key, [...systemKeys]));
  const rows = await db
    .select({ key: resources.key, levels: systems.accessLevels })
    .from(resources)
    .innerJoin(systems, eq(systems.key, resources.systemKey))
    .where(inArray(resources.systemKey, [...systemKeys]));
  for (const r of rows) for (const level of [null, ...r.levels]) await slapd.addGroup(resourceGroupCn(r.key, level));
}

/** Every group the user is a member of, as resource keys with their level ("gitlab:group:x (developer)"). */
export async function groupsOf(slapd: Slapd, username: string): Promise<string[]> {
  const dn = slapd.userDnTemplate.replace("{username}", username);
  return (await slapd.groupsWithMember(dn)).sort();
}
