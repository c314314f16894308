import type { ServiceContext } from "@/server/services/context";
import { handOverPeople, previewHandover } from "@/server/services/hr/handover";

/** What IT does when connecting a source over an existing directory: it takes everyone no source manages. */
export async function giveEveryoneTo(ctx: ServiceContext, sourceKey: string) {
  const { count } = await previewHandover({ ctx, input: { toSource: sourceKey, fromSource: null } });
  return handOverPeople({
    ctx,
    input: {
      toSource: sourceKey,
      fromSource: null,
      reason: `${sourceKey} is the directory's source of truth`,
      expectedCount: count,
    },
  });
}
