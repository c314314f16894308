"use client";

import { useQueryClient } from "@tanstack/react-query";

/** Signs out and forgets every cached answer, so the next person on this browser sees none of it. */
export function SignOutButton({ signOut }: { signOut: () => Promise<void> }) {
  const queryClient = useQueryClient();
  return (
    <form action={signOut} onSubmit={() => queryClient.clear()} className="mt-3">
      <button type="submit" className="text-sm font-medium text-slate-600 hover:text-slate-900">
        Sign out
      </button>
    </form>
  );
}
