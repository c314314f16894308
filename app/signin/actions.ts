"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { devLoginEnabled } from "@/server/config";
import { DEV_LOGIN_PROVIDER, OIDC_PROVIDER, signIn } from "@/server/auth";
import { safeCallbackUrl } from "@/server/auth/callback-url";
import { countSignInAttempt } from "@/server/auth/sign-in-limit";

async function signInOrShowError(provider: string, options: Record<string, string>) {
  try {
    await signIn(provider, options);
  } catch (err) {
    // A refused sign-in is an AuthError; the redirect after success must propagate.
    if (err instanceof AuthError) redirect(`/signin/error?error=${encodeURIComponent(err.type)}`);
    throw err;
  }
}

export async function signInWithOidc(formData: FormData) {
  await signInOrShowError(OIDC_PROVIDER, { redirectTo: safeCallbackUrl(formData.get("callbackUrl")) });
}

export async function signInAsDevPerson(formData: FormData) {
  if (!devLoginEnabled()) redirect("/signin/error?error=Configuration");
  // A server action cannot answer 429 itself: it sends the person to a page that says how long to wait.
  const wait = await countSignInAttempt(await headers());
  if (wait) redirect(`/signin/error?error=RateLimited&retry=${wait}`);
  await signInOrShowError(DEV_LOGIN_PROVIDER, {
    email: String(formData.get("email") ?? ""),
    redirectTo: safeCallbackUrl(formData.get("callbackUrl")),
  });
}
