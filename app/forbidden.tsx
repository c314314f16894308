import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { StandaloneMain } from "@/components/shell/main-landmark";

export const metadata = { title: "Not allowed" };

/** Rendered with HTTP 403 by forbidden() when a role may not open a section. */
export default function Forbidden() {
  return (
    <StandaloneMain className="mx-auto flex min-h-[70vh] max-w-lg flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold tracking-wide text-brand-600">403 · Not allowed</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">This section is not part of your role</h1>
      <p className="mt-3 text-sm text-slate-600">
        Your portal roles do not include this page. If you need it for your work, ask an IT admin to grant you the role;
        the attempt has been recorded in the audit trail.
      </p>
      <Link href="/access" className={buttonClasses("primary", "mt-6")}>
        Back to My access
      </Link>
    </StandaloneMain>
  );
}
