import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { StandaloneMain } from "@/components/shell/main-landmark";

export default function NotFound() {
  return (
    <StandaloneMain className="mx-auto flex min-h-[70vh] max-w-lg flex-col items-center justify-center px-6 text-center">
      <p className="text-sm font-semibold tracking-wide text-brand-600">404 · Not found</p>
      <h1 className="mt-2 text-2xl font-semibold text-slate-900">There is nothing at this address</h1>
      <p className="mt-3 text-sm text-slate-600">The page may have moved, or the link is mistyped.</p>
      <Link href="/access" className={buttonClasses("primary", "mt-6")}>
        Back to My access
      </Link>
    </StandaloneMain>
  );
}
