/**
 * What went wrong, for a message: an error's message, or whatever was thrown as text (`throw null` included, so a
 * catch block that reports never throws in its turn).
 */
export function errorMessage(e: unknown): string {
  const message = (e as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(e);
}
