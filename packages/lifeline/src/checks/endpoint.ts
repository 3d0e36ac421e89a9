/**
 * Finds the endpoint a check names. The loader already reports undeclared endpoints, but a check may be built
 * in memory (tests, the API), so an unknown name is an `assertion` outcome here rather than a crash.
 */
import type { Endpoint, Integration } from '../workspace/model.js';
import type { CheckOutcome } from './check-kind.js';

export type EndpointLookup = { ok: true; endpoint: Endpoint } | { ok: false; outcome: CheckOutcome };

/** Endpoints by id per integration, remembered only for frozen (loaded) integrations: a memo, not state. */
const indexes = new WeakMap<Integration, ReadonlyMap<string, Endpoint>>();

export function findEndpoint(integration: Integration, id: string): EndpointLookup {
  const index = endpointIndex(integration);
  const endpoint = index === undefined ? integration.endpoints.find((e) => e.id === id) : index.get(id);
  if (endpoint !== undefined) return { ok: true, endpoint };
  const declared = integration.endpoints.map((candidate) => candidate.id).join(', ') || 'none';
  const message = `endpoint \`${id}\` is not declared in integration ${integration.id} (declared: ${declared})`;
  return { ok: false, outcome: { class: 'assertion', errorCode: 'endpoint-undeclared', message } };
}

function endpointIndex(integration: Integration): ReadonlyMap<string, Endpoint> | undefined {
  if (!Object.isFrozen(integration)) return undefined;
  let index = indexes.get(integration);
  if (index === undefined) {
    const byId = new Map<string, Endpoint>();
    // The first declaration of an id wins, as with `find`.
    for (const endpoint of integration.endpoints) if (!byId.has(endpoint.id)) byId.set(endpoint.id, endpoint);
    index = byId;
    indexes.set(integration, index);
  }
  return index;
}
