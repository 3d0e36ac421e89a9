/**
 * The sandbox's control API under `/_sandbox` on the plain HTTP server: lets a drill, a CLI or another
 * process switch faults, read request counts and fetch the CA without holding a `RunningSandbox`. Faults
 * never apply here, so the control plane stays reachable while a vendor hangs.
 *
 * | method | path                     | answer                                                        |
 * |--------|--------------------------|---------------------------------------------------------------|
 * | GET    | /_sandbox/faults         | 200 `{ payments: {...}, shipping: {...}, identity: {...} }`   |
 * | PUT    | /_sandbox/faults/:vendor | 200 merged faults; 400 `{ error, message, problems[] }`; 404  |
 * | DELETE | /_sandbox/faults         | 200 all cleared, as `reset()` (request counts included)       |
 * | GET    | /_sandbox/requests       | 200 `{ payments: { 'GET /payments/v1/charges': 3 }, ... }`    |
 * | GET    | /_sandbox/ca.pem         | 200 the CA certificate (`application/x-pem-file`)             |
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import type { FaultController } from './fault-controller.js';
import { SandboxFaultError, VENDOR_NAMES, isVendorName } from './faults.js';
import type { RequestCounter } from './request-counter.js';

export interface ControlApiDependencies {
  faults: FaultController;
  requests: RequestCounter;
  caPem: string;
  /** What `DELETE /_sandbox/faults` does; the sandbox's `reset()`. */
  reset: () => void;
}

export function registerControlApi(app: FastifyInstance, deps: ControlApiDependencies): void {
  const plugin = async (scope: FastifyInstance): Promise<void> => {
    scope.setErrorHandler(async (error: FastifyError, _request, reply) => {
      const status = error.statusCode ?? 500;
      const message = status === 400 ? `the body is not valid JSON: ${error.message}` : error.message;
      return reply.code(status).send({ error: status < 500 ? 'bad_request' : 'internal_error', message });
    });

    scope.get('/faults', async () => deps.faults.all());

    scope.put('/faults/:vendor', async (request, reply) => {
      const { vendor } = request.params as { vendor: string };
      if (!isVendorName(vendor)) {
        return reply.code(404).send({
          error: 'unknown_vendor',
          message: `no vendor '${vendor}'; known vendors: ${VENDOR_NAMES.join(', ')}`,
        });
      }
      try {
        return deps.faults.set(vendor, request.body ?? null);
      } catch (error) {
        if (!(error instanceof SandboxFaultError)) throw error;
        return reply
          .code(400)
          .send({ error: 'invalid_faults', message: error.message, problems: error.problems });
      }
    });

    scope.delete('/faults', async () => {
      deps.reset();
      return deps.faults.all();
    });

    scope.get('/requests', async () => deps.requests.snapshot());

    scope.get('/ca.pem', async (_request, reply) => reply.type('application/x-pem-file').send(deps.caPem));
  };
  app.register(plugin, { prefix: '/_sandbox' });
}
