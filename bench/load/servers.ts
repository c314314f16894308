import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { instanceEnv } from "./settings";

/**
 * `npm start` instances of the production build: `node --import tsx server/launch.ts start`
 * with their own PORT on one DATABASE_URL, jobs on. launch.ts starts the launcher in a process
 * group of its own (the jobs run there), which spawns `next start`; peak RSS is read from
 * /proc/<pid>/status (VmHWM) of every process under the one started here. Stopped by pid:
 * SIGTERM to launch.ts (it asks the launcher to stop in order), SIGKILL to the launcher's
 * group if that does not end it.
 */

export interface Instance {
  port: number;
  base: string;
  child: ChildProcess;
  output: string[];
}

const running = new Set<Instance>();

/** The CPU time (user + system, in clock ticks of 1/100 s) the processes have used so far. */
export function cpuTicksOf(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // utime and stime: fields 14 and 15 of stat, i.e. 12 and 13 after "pid (comm) ".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // ended meanwhile
    }
  }
  return ticks;
}

/** Every process on the machine: its pid, its parent's and its name (`comm`), read from /proc/<pid>/stat. */
function processTable(): { pid: number; ppid: number; comm: string }[] {
  const out: { pid: number; ppid: number; comm: string }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const close = stat.lastIndexOf(")");
      const ppid = Number(stat.slice(close + 2).split(" ")[1]);
      out.push({ pid: Number(entry), ppid, comm: stat.slice(stat.indexOf("(") + 1, close) });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** Every process whose ancestry leads to `root`, with root itself. */
export function descendants(root: number): number[] {
  const table = processTable();
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const p of table) if (p.ppid === out[i]) out.push(p.pid);
  return out;
}

/** The processes named `comm` (e.g. "postgres": the postmaster, its backends, autovacuum, the checkpointer). */
export const processesNamed = (comm: string): number[] =>
  processTable()
    .filter((p) => p.comm === comm)
    .map((p) => p.pid);

function status(pid: number, field: string): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8")
      .split("\n")
      .find((l) => l.startsWith(`${field}:`));
    return line ? Number(line.split(/\s+/)[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** Peak RSS in MB (VmHWM) of an instance's processes: the Next.js server and the launcher (jobs). */
export function peakRss(instance: Instance): { next: number; launcher: number } {
  let next = 0;
  let launcher = 0;
  for (const pid of descendants(instance.child.pid!)) {
    const hwm = status(pid, "VmHWM") ?? 0;
    const cmd = commandOf(pid);
    if (/next|next-server/.test(cmd) && !/launch\.ts/.test(cmd)) next = Math.max(next, hwm);
    else if (/launch\.ts/.test(cmd)) launcher = Math.max(launcher, hwm);
  }
  return { next, launcher };
}

export async function startInstance(
  port: number,
  databaseUrl: string,
  dataDir: string,
  log: (l: string) => void,
  extraEnv: Record<string, string> = {},
): Promise<Instance> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/launch.ts", "start"], {
    env: instanceEnv(port, databaseUrl, { CLEARANCE_DATA_DIR: dataDir, ...extraEnv }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const instance: Instance = { port, base: `http://127.0.0.1:${port}`, child, output: [] };
  running.add(instance);
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) instance.output.push(line);
    if (instance.output.length > 400) instance.output.splice(0, instance.output.length - 400);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const t0 = Date.now();
  while (Date.now() - t0 < 180_000) {
    if (child.exitCode !== null) {
      running.delete(instance);
      throw new Error(`instance on port ${port} exited (${child.exitCode}):\n${instance.output.slice(-20).join("\n")}`);
    }
    if (instance.output.some((l) => l.includes("ready at"))) {
      log(`instance on port ${port} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return instance;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stopInstance(instance);
  throw new Error(`instance on port ${port} was not ready after 180 s:\n${instance.output.slice(-20).join("\n")}`);
}

export async function stopInstance(instance: Instance): Promise<void> {
  running.delete(instance);
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const pids = descendants(child.pid!);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 20_000));
  if ((await Promise.race([exited, timer])) === "timeout") {
    for (const pid of pids.reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

/** Ctrl-C and exit: every instance this process started, by pid. */
export function stopAllNow(): void {
  for (const instance of running) {
    for (const pid of descendants(instance.child.pid!).reverse()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
  running.clear();
}

export const runningInstances = () => [...running];
