/**
 * Test-only: lets a child process load its modules, then wait until the test writes a line to its stdin, so
 * several children start their real work at the same moment (or one starts the moment the previous one died).
 * A child whose stdin closes first (its test runner is gone) exits instead of waiting forever.
 */
export function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.once('data', () => resolve());
    process.stdin.once('end', () => process.exit(0));
  });
}
