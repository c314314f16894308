/** Runs once when the Next.js server starts. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Route handlers cannot see the socket: record each request's peer address for rate limits.
  const { recordPeerAddresses } = await import("./server/http/peer-address");
  recordPeerAddresses();
}
