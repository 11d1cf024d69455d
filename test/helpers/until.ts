/** Resolves when `predicate()` holds, checking on every event-loop turn. */
export async function until(predicate: () => boolean, what = "condition", timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
