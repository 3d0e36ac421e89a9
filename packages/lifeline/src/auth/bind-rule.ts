/**
 * Whether `lifeline up` may listen where it was asked to. On loopback (the default, 127.0.0.1) the API may run
 * without tokens, as it always has: only local users reach it. Anywhere else, tokens are what stands between
 * the network and the incident commands, so without any live token the daemon refuses to start unless the
 * user says `--insecure`. There is no TLS option yet; with tokens on a non-loopback address the tokens travel
 * in clear text unless a TLS proxy sits in front, which the daemon says once at start.
 */
import { assertNever } from '../engine/assert-never.js';

export type BindDecision =
  /** Loopback without tokens: open to local users, as before tokens existed. */
  | { kind: 'open-local' }
  /** Tokens exist: the API enforces them. `clearText` when reachable from elsewhere over plain HTTP. */
  | { kind: 'enforced'; clearText: boolean }
  /** Not loopback, no tokens, `--insecure`: open to the network, by the user's explicit choice. */
  | { kind: 'insecure' }
  /** Not loopback, no tokens, no `--insecure`. */
  | { kind: 'refused' };

export function bindDecision(input: { host: string; liveTokens: number; insecure: boolean }): BindDecision {
  const local = isLoopbackHost(input.host);
  if (input.liveTokens > 0) return { kind: 'enforced', clearText: !local };
  if (local) return { kind: 'open-local' };
  return input.insecure ? { kind: 'insecure' } : { kind: 'refused' };
}

/** `127.0.0.0/8`, `::1` and `localhost`; `0.0.0.0` and `::` are every interface, not loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h.replace(/^::ffff:/, ''));
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** The line `up` prints for a decision (to stderr), or undefined when there is nothing to say. */
export function bindMessage(decision: BindDecision, host: string): string | undefined {
  switch (decision.kind) {
    case 'open-local':
      return 'No API tokens: the API is open to local users. Create one with `lifeline token create --name NAME --role admin`.';
    case 'enforced':
      return decision.clearText
        ? `The API on ${host} is plain HTTP: tokens cross the network in clear text unless a TLS proxy is in front.`
        : undefined;
    case 'insecure':
      return `--insecure: the API on ${host} is open to anyone who can reach it (no API tokens exist).`;
    case 'refused':
      return (
        `lifeline: refusing to listen on ${host} without API tokens: anyone who can reach it could act on incidents. ` +
        'Create a token first (`lifeline token create --name NAME --role admin`), listen on 127.0.0.1, or pass --insecure.'
      );
    default:
      return assertNever(decision, 'bind decision');
  }
}
