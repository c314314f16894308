// Preloaded (NODE_OPTIONS=--import) by bench/load/cpu.ts --profile into the instance's processes
// (Node refuses --cpu-prof in NODE_OPTIONS): the Next.js server profiles itself from the start and
// writes its profile to CLEARANCE_CPU_PROFILE_DIR on SIGUSR2, then starts a new one.
const dir = process.env.CLEARANCE_CPU_PROFILE_DIR;
if (dir && process.argv.some((a) => /next/.test(a)) && !process.argv.some((a) => /launch\.ts/.test(a))) {
  const { Session } = await import("node:inspector");
  const { writeFileSync } = await import("node:fs");
  const path = await import("node:path");
  const session = new Session();
  session.connect();
  const start = () => session.post("Profiler.enable", () => session.post("Profiler.start"));
  session.post("Profiler.setSamplingInterval", { interval: 500 }, start);
  let n = 0;
  process.on("SIGUSR2", () => {
    session.post("Profiler.stop", (err, { profile }) => {
      if (!err) writeFileSync(path.join(dir, `next-${process.pid}-${n++}.cpuprofile`), JSON.stringify(profile));
      start();
    });
  });
}
