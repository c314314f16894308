import http from "node:http";
import https from "node:https";

/** Holds the TCP peer's address on every request that reaches Next.js (see recordPeerAddresses). */
export const PEER_ADDRESS_HEADER = "x-clearance-peer-address";

const patched = Symbol.for("clearance.peer-address");

/**
 * Next.js gives route handlers no access to the socket, and it keeps an X-Forwarded-For a client
 * sent itself. So, once per process (instrumentation.ts), every HTTP server's "request" event first
 * writes the socket's address into PEER_ADDRESS_HEADER, replacing whatever the client put there.
 * clientAddress() reads it when no trusted proxy is configured.
 */
export function recordPeerAddresses(): void {
  for (const proto of [http.Server.prototype, https.Server.prototype] as (http.Server & { [patched]?: true })[]) {
    if (proto[patched]) continue;
    const emit = proto.emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
    proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
      if (event === "request") {
        const req = args[0] as http.IncomingMessage;
        req.headers[PEER_ADDRESS_HEADER] = req.socket?.remoteAddress ?? "";
      }
      return emit.call(this, event, ...args);
    } as typeof proto.emit;
    proto[patched] = true;
  }
}
