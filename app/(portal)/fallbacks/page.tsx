import { FallbackEditor } from "@/components/fallbacks/fallback-editor";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { requestNonce } from "@/server/http/nonce";

export const metadata = { title: "Fallbacks" };

export default async function FallbacksPage() {
  await requireSection("fallbacks");
  const [data, nonce] = await Promise.all([(await api()).fallbacks.list(), requestNonce()]);
  return (
    <>
      <PageHeader
        title="Fallbacks"
        description={
          <>
            What happens when someone asks for a resource no policy gives them: allow for a while, deny with a message,
            or open a request form. Format: <code className="text-xs">docs/fallbacks.md</code>.
          </>
        }
      />
      <FallbackEditor rows={data.fallbacks} problems={data.problems} nonce={nonce} />
    </>
  );
}
