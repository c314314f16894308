"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

const input = "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm";
type Role = "it_admin" | "auditor";
const roleName = (role: Role) => (role === "it_admin" ? "IT admin" : "auditor");

/** Grant IT admin or auditor to someone in Clearance, with why; IT admin may wait for a second IT admin. */
export function GrantRoleForm({ secondApproval }: { secondApproval: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("auditor");
  const [reason, setReason] = useState("");
  const grant = useMutation(
    trpc.portalRoles.grant.mutationOptions({
      onSuccess: () => {
        setEmail("");
        setReason("");
        router.refresh();
      },
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    grant.mutate({ email: email.trim(), role, reason });
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-3" aria-label="Grant a portal role">
      <div>
        <label htmlFor="role-email" className="text-xs font-medium text-slate-600">
          Their email
        </label>
        <input
          id="role-email"
          type="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className={input}
        />
      </div>
      <div>
        <label htmlFor="role-role" className="text-xs font-medium text-slate-600">
          Role
        </label>
        <select
          id="role-role"
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          className="mt-1 block rounded-md border border-slate-300 px-2 py-2 text-sm"
        >
          <option value="auditor">Auditor (reads the audit log and reports)</option>
          <option value="it_admin">IT admin (runs Clearance)</option>
        </select>
        {role === "it_admin" && secondApproval && (
          <p className="mt-1 text-xs text-slate-600">
            A second IT admin approves a new IT admin before it takes effect.
          </p>
        )}
      </div>
      <div>
        <label htmlFor="role-reason" className="text-xs font-medium text-slate-600">
          Why (kept in the audit trail)
        </label>
        <textarea
          id="role-reason"
          required
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className={input}
        />
      </div>
      {grant.isError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {grant.error.message}
        </p>
      )}
      {grant.data && (
        <p role="status" className="text-sm text-emerald-700">
          {grant.data.status === "pending"
            ? `${grant.data.displayName} is proposed as IT admin: a second IT admin decides.`
            : grant.data.status === "already"
              ? `${grant.data.displayName} already holds that role.`
              : `${grant.data.displayName} is now ${roleName(role)}.`}
        </p>
      )}
      <div>
        <Button type="submit" disabled={grant.isPending}>
          {grant.isPending ? "Granting…" : "Grant"}
        </Button>
      </div>
    </form>
  );
}

/** Take a role away, after a confirmation with why. The last IT admin is refused by the server. */
export function RevokeRole({ email, name, role }: { email: string; name: string; role: Role }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const revoke = useMutation(
    trpc.portalRoles.revoke.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} aria-label={`Remove ${roleName(role)} from ${name}`}>
        Remove…
      </Button>
      <ConfirmDialog
        open={open}
        title={`Remove ${roleName(role)} from ${name}?`}
        confirmLabel="Remove"
        tone="danger"
        busy={revoke.isPending}
        confirmDisabled={reason.trim().length < 3}
        onConfirm={() => revoke.mutate({ email, role, reason })}
        onCancel={() => {
          setOpen(false);
          revoke.reset();
        }}
      >
        <label htmlFor={`revoke-${role}-${email}`} className="text-xs font-medium text-slate-600">
          Why (kept in the audit trail)
        </label>
        <textarea
          id={`revoke-${role}-${email}`}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          className={input}
        />
        {revoke.isError && (
          <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {revoke.error.message}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}

/** A second IT admin approves or rejects a proposed IT admin. */
export function DecideProposal({ proposalId, name, mine }: { proposalId: string; name: string; mine: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const decide = useMutation(trpc.portalRoles.decide.mutationOptions({ onSuccess: () => router.refresh() }));
  if (mine) return <span className="text-xs text-slate-600">Waiting for another IT admin (you proposed it)</span>;
  return (
    <span className="flex flex-wrap items-center gap-2">
      <Button
        disabled={decide.isPending}
        onClick={() => decide.mutate({ proposalId, decision: "approve" })}
        aria-label={`Approve ${name} as IT admin`}
      >
        Approve
      </Button>
      <Button
        variant="secondary"
        disabled={decide.isPending}
        onClick={() => decide.mutate({ proposalId, decision: "reject" })}
        aria-label={`Reject ${name} as IT admin`}
      >
        Reject
      </Button>
      {decide.isError && (
        <span role="alert" className="text-xs text-red-700">
          {decide.error.message}
        </span>
      )}
    </span>
  );
}
