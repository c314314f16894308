import type { ResourceItem } from "@/server/core/config";
import type { Tx } from "@/server/db/client";
import type { ServiceContext } from "../context";
import { removeResourceIn, saveResourceIn } from "../resources/catalog";

/**
 * resources.yaml goes through the resource catalog's own saves (server/services/resources), so its
 * rules hold here too: an active system, known owners, a catalog form, and no removal of a
 * resource something still uses or whose history needs it.
 */
export async function saveConfiguredResource(
  tx: Tx,
  ctx: ServiceContext,
  item: ResourceItem,
  defaultTemplate: string | null,
) {
  const [systemKey, type] = item.key.split(":", 2) as [string, string];
  const name = item.key.slice(systemKey.length + type.length + 2);
  await saveResourceIn(
    tx,
    ctx,
    {
      systemKey,
      type,
      name,
      displayName: item.displayName,
      description: item.description,
      sensitivity: item.sensitivity,
      requestable: item.requestable,
      defaultTemplateKey: defaultTemplate,
      ownerEmails: item.owners,
    },
    "upsert",
    "configuration import",
  );
}

export async function removeConfiguredResource(tx: Tx, ctx: ServiceContext, key: string, message: string) {
  await removeResourceIn(tx, ctx, key, message);
}
