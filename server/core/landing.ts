/**
 * Where a person lands after sign-in when they asked for no page: their inbox while requests wait
 * for their decision, My access otherwise.
 */
export function landingPage(waitingForMe: number): "/inbox" | "/access" {
  return waitingForMe > 0 ? "/inbox" : "/access";
}
