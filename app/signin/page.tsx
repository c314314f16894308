import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { redirect } from "next/navigation";
import { DevSignInPicker } from "@/components/sign-in/dev-sign-in-picker";
import { Logo } from "@/components/shell/logo";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { api, getQueryClient, trpc } from "@/server/api/server";
import { getCurrentActor } from "@/server/auth/actor";
import { safeCallbackUrl } from "@/server/auth/callback-url";
import { devLoginEnabled, oidcSettings } from "@/server/config";
import { signInAsDevPerson, signInWithOidc } from "./actions";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; ended?: string }>;
}) {
  const { callbackUrl: rawCallback, ended } = await searchParams;
  const callbackUrl = safeCallbackUrl(rawCallback);
  if (await getCurrentActor()) redirect(callbackUrl);

  const oidc = oidcSettings();
  const devLogin = devLoginEnabled();
  const setup = await (await api()).signIn.setup();
  if (devLogin) await getQueryClient().prefetchQuery(trpc.signIn.devCandidates.queryOptions({}));

  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-6 py-12">
      <div className="mb-8 flex items-center gap-3">
        <Logo />
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Sign in to Clearance</h1>
          <p className="text-sm text-slate-600">Access that follows policy, and exceptions that end on time.</p>
        </div>
      </div>

      {ended === "1" && (
        <div className="mb-6">
          <Alert tone="amber" title="Your session has ended">
            You were signed out, your session expired, or your access to Clearance changed. Sign in again to continue.
          </Alert>
        </div>
      )}

      {setup.needsFirstAdmin && <FirstAdminNotice namedAdmins={setup.namedAdmins} />}

      {oidc && (
        <form action={signInWithOidc} className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <input type="hidden" name="callbackUrl" value={callbackUrl} />
          <p className="mb-4 text-sm text-slate-600">Use your company account.</p>
          <button type="submit" className={buttonClasses("primary", "w-full py-2.5")}>
            Continue with {oidc.name}
          </button>
        </form>
      )}

      {devLogin && (
        <section className="mt-6 rounded-lg border border-amber-200 bg-white p-6 shadow-sm">
          <h2 className="text-base font-semibold">Development sign-in</h2>
          <p className="mt-1 text-sm text-slate-600">
            Sign in as anyone in the demo organization, without a password. This is on because{" "}
            <code className="rounded bg-slate-100 px-1">CLEARANCE_DEV_LOGIN=1</code>; never turn it on in production.
          </p>
          <HydrationBoundary state={dehydrate(getQueryClient())}>
            <DevSignInPicker action={signInAsDevPerson} callbackUrl={callbackUrl} />
          </HydrationBoundary>
        </section>
      )}

      {!oidc && !devLogin && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 text-sm text-red-800">
          No sign-in method is configured. An administrator must set <code>AUTH_OIDC_ISSUER</code>,{" "}
          <code>AUTH_OIDC_CLIENT_ID</code> and <code>AUTH_OIDC_CLIENT_SECRET</code>.
        </div>
      )}
    </main>
  );
}

/** A new instance: nobody is an IT admin yet. Says exactly how the first one is made (issue 15). */
function FirstAdminNotice({ namedAdmins }: { namedAdmins: number }) {
  const code = "rounded bg-slate-100 px-1";
  return (
    <div className="mb-6">
      <Alert tone="amber" title="Clearance has no IT admin yet">
        <p>
          {namedAdmins > 0 ? (
            <>
              {namedAdmins === 1 ? "The person" : `The ${namedAdmins} people`} named in{" "}
              <code className={code}>CLEARANCE_ADMINS</code>{" "}
              {namedAdmins === 1 ? "becomes an IT admin" : "become IT admins"} when they sign in below.
            </>
          ) : (
            <>
              Name the first IT admins in <code className={code}>CLEARANCE_ADMINS</code> (comma-separated emails) and
              restart Clearance: they become IT admins when they sign in.
            </>
          )}{" "}
          Or, on the server, run <code className={code}>npx clearance admin grant EMAIL --role it_admin</code>.
        </p>
      </Alert>
    </div>
  );
}
