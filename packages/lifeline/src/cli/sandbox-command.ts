/**
 * `lifeline sandbox`: runs the sandbox vendor (payments, shipping, identity) on loopback until interrupted, so
 * the example workspace, demos and drills have a realistic API to talk to offline. Faults are switched at run
 * time through its control API.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { SANDBOX_CREDENTIALS, startSandbox, type RunningSandbox } from '../sandbox/index.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import type { Output } from './output.js';

export interface SandboxOptions {
  port: number;
  tlsPort?: number;
  tls: boolean;
  certDays: number;
  certHostname: string;
  stateDir: string;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('expected a port number (0-65535)');
  return port;
}

function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected a whole number');
  return n;
}

export function describeSandbox(sandbox: RunningSandbox, c: Output['color']): string {
  const lines = [
    `${c.green('●')} sandbox vendor running`,
    `  HTTP   ${sandbox.httpUrl}   ${c.dim('payments, shipping, identity; control API at /_sandbox')}`,
  ];
  if (sandbox.httpsUrl)
    lines.push(
      `  HTTPS  ${sandbox.httpsUrl.replace('127.0.0.1', 'localhost')}   ${c.dim(`CA: ${sandbox.caFile ?? 'GET /_sandbox/ca.pem'}`)}`,
    );
  lines.push(
    '',
    c.bold('Credentials (sandbox only):'),
    `  payments  Authorization: Bearer ${SANDBOX_CREDENTIALS.payments.apiKey}   Pay-Version: ${SANDBOX_CREDENTIALS.payments.apiVersion}`,
    `  shipping  X-Api-Key: ${SANDBOX_CREDENTIALS.shipping.apiKey}   (version in the path: /shipping/v2)`,
    `  identity  OAuth2 client ${SANDBOX_CREDENTIALS.identity.clientId} / ${SANDBOX_CREDENTIALS.identity.clientSecret} at /identity/oauth/token`,
    '',
    c.bold('Faults:'),
    `  curl -X PUT ${sandbox.httpUrl}/_sandbox/faults/payments -H 'content-type: application/json' -d '{"latencyMs": 1500}'`,
    `  curl -X PUT ${sandbox.httpUrl}/_sandbox/faults/payments -H 'content-type: application/json' -d '{"rejectCredentials": true}'`,
    `  curl -X DELETE ${sandbox.httpUrl}/_sandbox/faults`,
  );
  return lines.join('\n');
}

export async function runSandbox(
  options: SandboxOptions,
  output: Output,
  stop: Promise<void>,
): Promise<number> {
  const sandbox = await startSandbox({
    httpPort: options.port,
    httpsPort: options.tls ? (options.tlsPort ?? (options.port === 0 ? 0 : options.port + 1)) : null,
    certificate: { expiresInDays: options.certDays, hostname: options.certHostname },
    stateDir: resolve(options.stateDir),
  });
  output.out(describeSandbox(sandbox, output.color));
  await stop;
  await sandbox.close();
  output.err('sandbox stopped');
  return EXIT.ok;
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise((resolvePromise) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolvePromise();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export function sandboxCommand(output: Output, done: (code: number) => void): Command {
  return new Command('sandbox')
    .description(
      'Run the sandbox vendor (payments, shipping, OAuth2 identity) on loopback, with faults switchable at run time.',
    )
    .option('-p, --port <port>', 'HTTP port (0 picks a free one)', parsePort, 4480)
    .option('--tls-port <port>', 'HTTPS port (default: HTTP port + 1)', parsePort)
    .option('--no-tls', 'serve plain HTTP only')
    .option(
      '--cert-days <days>',
      'days until the HTTPS certificate expires (0 or less: already expired)',
      parseInteger,
      365,
    )
    .option(
      '--cert-hostname <name>',
      'name in the HTTPS certificate (another name gives a hostname mismatch)',
      'localhost',
    )
    .option('--state-dir <dir>', 'where to write sandbox-ca.pem for clients to trust', '.lifeline')
    .addHelpText(
      'after',
      `
Examples:
  $ lifeline sandbox --state-dir examples/acme/.lifeline     what the example workspace expects
  $ lifeline sandbox --cert-days 5                           an HTTPS certificate about to expire
  $ curl -X PUT localhost:4480/_sandbox/faults/payments -d '{"latencyMs":1500}' -H 'content-type: application/json'
${EXIT_CODES_HELP}`,
    )
    .action(async (options: SandboxOptions) => done(await runSandbox(options, output, untilSignal())));
}
