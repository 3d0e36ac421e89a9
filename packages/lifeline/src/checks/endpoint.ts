/**
 * Finds the endpoint a check names. The loader already reports undeclared endpoints, but a check may be built
 * in memory (tests, the API), so an unknown name is an `assertion` outcome here rather than a crash.
 */
import type { Endpoint, Integration } from '../workspace/model.js';
import type { CheckOutcome } from './check-kind.js';

export type EndpointLookup = { ok: true; endpoint: Endpoint } | { ok: false; outcome: CheckOutcome };

export function findEndpoint(integration: Integration, id: string): EndpointLookup {
  const endpoint = integration.endpoints.find((candidate) => candidate.id === id);
  if (endpoint !== undefined) return { ok: true, endpoint };
  const declared = integration.endpoints.map((candidate) => candidate.id).join(', ') || 'none';
  const message = `endpoint \`${id}\` is not declared in integration ${integration.id} (declared: ${declared})`;
  return { ok: false, outcome: { class: 'assertion', errorCode: 'endpoint-undeclared', message } };
}
