import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { PolicyEditor } from "@/components/policies/policy-editor";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { requestNonce } from "@/server/http/nonce";

export const metadata = { title: "Edit policy" };

const TEMPLATE = `name: new-policy
description: Who this is for, and why they need it
when:
  - department: Sales
grants:
  - resource: slack:channel:#sales-team
    level: member
`;

/** Where a `?draft=` (the YAML itself, URL-encoded) came from, said above the editor. */
const draftOrigins: Record<string, string> = {
  metrics: "A draft from the exception metrics: check who it reaches in the preview, adjust, then save.",
  migration:
    "A draft from the access snapshot's patterns: check who it reaches in the preview " +
    "(everyone the condition matches, not only who holds the access today), adjust, " +
    "then save.",
};

export default async function EditPolicyPage({
  searchParams,
}: {
  searchParams: Promise<{ file?: string; draft?: string; from?: string }>;
}) {
  await requireSection("policies");
  const { file, draft, from } = await searchParams;
  const caller = await api();
  const nonce = await requestNonce();
  if (!file) {
    const list = await caller.policies.list();
    return (
      <>
        <PageHeader
          title="New policy"
          description={
            draft
              ? (draftOrigins[from ?? "metrics"] ?? draftOrigins.metrics)
              : "Lint runs as you type; preview who gains what before you save."
          }
        />
        <PolicyEditor
          initial={{
            path: null,
            source: draft ? draft.slice(0, 20_000) : TEMPLATE,
            versionId: list.versionId,
            draft: Boolean(draft),
          }}
          nonce={nonce}
        />
      </>
    );
  }
  const loaded = await caller.policies.file({ path: file }).catch((err: unknown) => {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  });
  return (
    <>
      <PageHeader
        title={loaded.policies.join(", ") || loaded.path}
        description={`${loaded.path} · from version ${loaded.versionId}`}
      />
      <PolicyEditor initial={{ path: loaded.path, source: loaded.source, versionId: loaded.versionId }} nonce={nonce} />
    </>
  );
}
