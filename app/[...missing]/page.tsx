import { notFound } from "next/navigation";
import { connection } from "next/server";

/**
 * An address no page has. The 404 page is rendered here per request, so its scripts carry the
 * nonce of the policy proxy.ts sent; the build's prerendered 404 would have none (the root layout
 * is static since app/(prerendered) exists).
 */
export default async function Missing() {
  await connection();
  notFound();
}
