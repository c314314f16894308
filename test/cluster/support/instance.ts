import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { until } from "./wait";

/** AUTH_SECRET shared by the instances of a test, so a session cookie from one is good on the other. */
const AUTH_SECRET = "cluster-test-secret-cluster-test-secret-0123";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The children of a process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The inodes of the sockets a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]!);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    // gone
  }
  return inodes;
}

/** The inode of the TCP socket bound to a local port, from /proc/net/tcp and tcp6. */
function inodesOfLocalPort(port: number): string[] {
  const out: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 9 && parseInt(fields[1]!.split(":")[1]!, 16) === port) out.push(fields[9]!);
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * One app instance as `npm start` runs it (`node --import tsx server/launch.ts start`, a production
 * build), on the test's database with its jobs on. server/launch.ts starts the launcher in a process
 * group of its own (with Next.js in it): `kill9()` kills that whole group at once, as a crashed
 * machine would, and the entry process with it; `stop()` asks for the ordered stop (SIGTERM).
 */
export async function startInstance({
  name,
  databaseUrl,
  ownerUrl,
  env = {},
  port: fixedPort,
}: {
  name: string;
  databaseUrl: string;
  ownerUrl: string;
  env?: Record<string, string>;
  /** A port chosen beforehand (from freePort), when something else must know the URL first (an OIDC provider's redirect URI). */
  port?: number;
}) {
  if (!existsSync(path.join(process.cwd(), process.env.CLEARANCE_NEXT_DIST_DIR || ".next", "BUILD_ID")))
    throw new Error("the cluster tests run against a production build: run `npm run build` first");
  const port = fixedPort ?? (await freePort());
  const lines: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/launch.ts", "start"], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      // Not the test runner's NODE_ENV=test or its VITEST_* variables: the app as operators run it.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_ENV")),
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      DATABASE_OWNER_URL: ownerUrl,
      PORT: String(port),
      CLEARANCE_DATA_DIR: mkdtempSync(path.join(tmpdir(), `clearance-cluster-${name}-`)),
      AUTH_SECRET,
      CLEARANCE_DEV_LOGIN: "1",
      CLEARANCE_JOBS: "1",
      SMTP_URL: "",
      CLEARANCE_ENFORCEMENT_POLL_MS: "1000",
      CLEARANCE_RATE_LIMIT_SIGN_IN: "100000/1m",
      CLEARANCE_RATE_LIMIT_CALLS: "100000/1m",
      NEXT_TELEMETRY_DISABLED: "1",
      ...env,
    },
  });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(`[${name}] ${line}`);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exited = false;
  child.on("exit", () => (exited = true));

  const instance = {
    name,
    port,
    url: `http://localhost:${port}`,
    lines,
    /** The last lines this instance printed, for a failure message. */
    tail: (n = 40) => lines.slice(-n).join("\n"),
    exited: () => exited,
    /** True when one of this instance's processes holds the TCP connection whose local port is `port` (Linux /proc). */
    ownsConnectionFrom(port: number) {
      const pids = [child.pid!, ...childrenOf(child.pid!)].flatMap((pid) => [pid, ...childrenOf(pid)]);
      const mine = new Set(pids.flatMap((pid) => [...socketInodes(pid)]));
      return inodesOfLocalPort(port).some((inode) => mine.has(inode));
    },
    /** kill -9 of the launcher's process group (the launcher, Next.js, the jobs) and of the entry process. */
    async kill9() {
      const groups = childrenOf(child.pid!);
      for (const pid of groups) {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      child.kill("SIGKILL");
      await until(async () => !alive(child.pid!) && groups.every((pid) => !alive(pid)), `${name} to die`, 15_000);
    },
    async stop() {
      if (exited) return;
      child.kill("SIGTERM");
      await until(async () => exited, `${name} to stop`, 60_000).catch(() => instance.kill9());
    },
  };
  await until(
    async () => {
      if (exited) throw new Error(`${name} exited before it was ready:\n${instance.tail()}`);
      return lines.some((l) => l.includes("clearance: ready at"));
    },
    `${name} to be ready`,
    150_000,
  ).catch((err: Error) => {
    child.kill("SIGKILL");
    throw new Error(`${err.message}\n${instance.tail()}`);
  });
  return instance;
}

export type Instance = Awaited<ReturnType<typeof startInstance>>;
