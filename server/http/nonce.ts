import { headers } from "next/headers";
import { nonceOf } from "./security-headers";

/**
 * This page view's CSP nonce (proxy.ts puts the policy on the request too), for client code that adds
 * its own <style> elements, such as the code editor; Next.js puts it on its scripts by itself.
 */
export async function requestNonce(): Promise<string | undefined> {
  return nonceOf((await headers()).get("content-security-policy"));
}
