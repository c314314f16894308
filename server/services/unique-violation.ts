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
