import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { describeWait } from "@/server/core/rate-limit";

export const metadata = { title: "Sign-in failed" };

const explanations: Record<string, { title: string; body: string }> = {
  AccessDenied: {
    title: "You cannot sign in to Clearance",
    body: "No active person in the organization matches this account. If you joined recently or your status changed, ask IT to check your HR record.",
  },
  Configuration: {
    title: "Sign-in could not be completed",
    body:
      "The answer from the sign-in provider could not be verified, so no session was created. " +
      "Start again from the sign-in page; if it keeps happening, tell IT.",
  },
  RateLimited: {
    title: "Too many sign-in attempts",
    body: "Too many sign-in attempts came from your address. Wait a little, then start again from the sign-in page.",
  },
  Verification: {
    title: "This sign-in link is no longer valid",
    body: "It has expired or was already used. Start again from the sign-in page.",
  },
};

export default async function SignInErrorPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string; retry?: string }>;
}) {
  const { error, retry } = await searchParams;
  const known = explanations[error ?? ""] ?? explanations.Configuration!;
  const wait = error === "RateLimited" && /^\d{1,5}$/.test(retry ?? "") ? describeWait(Number(retry)) : null;
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center px-6 text-center">
      <p className="text-sm font-semibold tracking-wide text-red-600">Sign-in failed</p>
      <h1 className="mt-2 text-2xl font-semibold">{known.title}</h1>
      <p className="mt-3 text-sm text-slate-600">{known.body}</p>
      {wait && <p className="mt-2 text-sm text-slate-600">You can try again in {wait}.</p>}
      {error && <p className="mt-2 text-xs text-slate-500">Reference: {error}</p>}
      <Link href="/signin" className={buttonClasses("primary", "mx-auto mt-6")}>
        Back to sign-in
      </Link>
    </main>
  );
}
