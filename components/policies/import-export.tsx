"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { tarArchive } from "./tar";

/** Export the active set as a .tar of YAML files; import a folder of them as one new version. */
export function ImportExport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const picker = useRef<HTMLInputElement>(null);
  const [files, setFiles] = useState<{ path: string; source: string }[] | null>(null);
  const [message, setMessage] = useState("");
  const [exportError, setExportError] = useState<string | null>(null);
  const importFiles = useMutation(
    trpc.policies.import.mutationOptions({
      onSuccess: (v) => {
        setFiles(null);
        router.push(`/policies/versions/${v.id}`);
      },
    }),
  );

  const download = async () => {
    setExportError(null);
    try {
      const set = await queryClient.fetchQuery(trpc.policies.export.queryOptions());
      const blob = new Blob([await tarArchive(set.files)], { type: "application/x-tar" });
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `clearance-policies-v${set.versionId}.tar`;
      a.click();
      URL.revokeObjectURL(a.href);
    } catch (err) {
      setExportError((err as Error).message);
    }
  };

  const choose = async (list: FileList | null) => {
    if (!list) return;
    const picked = await Promise.all(
      [...list]
        .filter((f) => /\.ya?ml$/i.test(f.name) && !/\.test\.ya?ml$/i.test(f.name))
        .map(async (f) => ({
          path: (f.webkitRelativePath || f.name).split("/").slice(1).join("/") || f.name,
          source: await f.text(),
        })),
    );
    importFiles.reset();
    setMessage("");
    setFiles(picked);
  };

  return (
    <>
      <Button variant="secondary" onClick={download}>
        Export
      </Button>
      <Button variant="secondary" onClick={() => picker.current?.click()}>
        Import folder…
      </Button>
      <input
        ref={picker}
        type="file"
        className="hidden"
        // A folder of policy files, as exported or kept in a repository.
        {...{ webkitdirectory: "", directory: "" }}
        multiple
        onChange={(e) => {
          void choose(e.target.files);
          e.target.value = "";
        }}
      />
      {exportError && <span className="text-sm text-red-700">Export failed: {exportError}</span>}
      <ConfirmDialog
        open={files !== null}
        title={`Import ${files?.length ?? 0} policy file${files?.length === 1 ? "" : "s"}`}
        confirmLabel="Import as a new version"
        busy={importFiles.isPending}
        onCancel={() => setFiles(null)}
        onConfirm={() => files && importFiles.mutate({ files, message })}
      >
        <p>
          The folder replaces the whole policy set: files not in it are removed. Test files (*.test.yaml) are skipped.
        </p>
        <label htmlFor="import-message" className="mt-3 block text-xs font-medium text-slate-700">
          Message
        </label>
        <input
          id="import-message"
          value={message}
          onChange={(e) => setMessage(e.target.value)}
          placeholder="Why, e.g. Sync from the policies repository"
          className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        {importFiles.isError && (
          <p className="mt-2 text-sm text-red-700" role="alert">
            {importFiles.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
