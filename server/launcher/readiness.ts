import { connect } from "node:net";

export interface ReadinessEvents {
  /** The server accepts connections but has not answered a page yet (next dev compiles it on the first request). */
  onListening?(): void;
  /** Every `progressEveryMs` while the first answer is awaited, with the time waited so far. */
  onStillWaiting?(waitedMs: number): void;
}

export interface ReadinessOptions extends ReadinessEvents {
  port: number;
  /** The page that must answer, e.g. /signin. */
  path: string;
  /** False once the server process has exited: there is nothing to wait for. */
  alive(): boolean;
  /** How long to keep trying while nothing listens on the port. */
  listenTimeoutMs?: number;
  progressEveryMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True when something accepts a TCP connection on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Waits until the page answers (any status below 500), which on `next dev` is after the first
 * compilation, not when Next.js prints "Ready". Resolves false if the server exits or never listens.
 */
export async function waitUntilServing(options: ReadinessOptions): Promise<boolean> {
  const { port, path, alive, listenTimeoutMs = 600_000, progressEveryMs = 30_000 } = options;
  const started = Date.now();
  let announced = false;
  while (alive()) {
    if (!(await isListening(port))) {
      if (Date.now() - started > listenTimeoutMs) return false;
      await sleep(250);
      continue;
    }
    if (!announced) {
      announced = true;
      options.onListening?.();
    }
    const asked = Date.now();
    const progress = setInterval(() => options.onStillWaiting?.(Date.now() - asked), progressEveryMs);
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { redirect: "manual" });
      await res.body?.cancel();
      if (res.status < 500) return true;
    } catch {
      // the connection dropped (a restart) or the answer took longer than fetch waits: ask again
    } finally {
      clearInterval(progress);
    }
    await sleep(500);
  }
  return false;
}
