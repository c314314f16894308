/**
 * Polls `probe` until it returns true, with a generous deadline (a busy 2-core CI machine runs two
 * app instances here): tests wait on conditions, never on fixed sleeps.
 */
export async function until(probe: () => Promise<boolean>, what: string, deadlineMs = 90_000, everyMs = 250) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
