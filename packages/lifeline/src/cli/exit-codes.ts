/** Exit codes of every command; documented in `lifeline --help` and docs/cli.md. */
export const EXIT = {
  /** Success: the workspace is valid (warnings allowed), every check passed. */
  ok: 0,
  /** The command ran and found problems: invalid workspace, failed checks. */
  failed: 1,
  /** Usage error: bad flags or arguments, workspace directory or file missing. */
  usage: 2,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (warnings allowed)
  1  the command ran and found problems (invalid workspace, failed checks)
  2  usage error (bad flags or arguments, workspace not found)`;
