/**
 * Two writers racing for one unique value (two hires of one person, two admins adding the same
 * email): the unique index decides, and the loser hears `refusal()`, never the database's 23505.
 */
export async function refusingUniqueViolation<T>(work: () => Promise<T>, refusal: () => Error): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    if (code === "23505") throw refusal();
    throw err;
  }
}

const sqlStateOf = (err: unknown) =>
  (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;

/**
 * Runs a transaction again when PostgreSQL chose it as a deadlock's victim (40P01) or could not
 * serialize it (40001): two SCIM writes over the same people in another order. Each attempt
 * starts over, so nothing of the failed one remains.
 */
export async function retryingDeadlocks<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      const code = sqlStateOf(err);
      if (attempt >= attempts || (code !== "40P01" && code !== "40001")) throw err;
    }
  }
}
