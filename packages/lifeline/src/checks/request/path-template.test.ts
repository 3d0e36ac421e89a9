// Path templates and API versions: filling, encoding, joining onto base URLs with a path, version placement.
import { describe, expect, it } from 'vitest';
import { applyApiVersion, type VersionTarget } from './api-version.js';
import { fillPathTemplate, joinUrl, placeholdersOf } from './path-template.js';

describe('fillPathTemplate', () => {
  it('fills and encodes each value as one segment', () => {
    expect(fillPathTemplate('/v1/charges/{id}/refunds/{refund}', { id: 'ch 1/2', refund: 'ré' })).toEqual({
      ok: true,
      path: '/v1/charges/ch%201%2F2/refunds/r%C3%A9',
    });
  });

  it('lists every missing parameter once', () => {
    expect(fillPathTemplate('/a/{x}/b/{y}/{x}', { y: '1' })).toEqual({ ok: false, missing: ['x'] });
    expect(placeholdersOf('/a/{x}/b/{y}')).toEqual(['x', 'y']);
  });

  it('does not take inherited properties for parameters', () => {
    expect(fillPathTemplate('/{toString}', {})).toEqual({ ok: false, missing: ['toString'] });
  });
});

describe('joinUrl', () => {
  it('appends to the base path and keeps its query', () => {
    expect(joinUrl('http://127.0.0.1:4480/identity', '/v1/userinfo').href).toBe(
      'http://127.0.0.1:4480/identity/v1/userinfo',
    );
    expect(joinUrl('http://h/base/', '/x').href).toBe('http://h/base/x');
    expect(joinUrl('http://h?tenant=1', '/x').href).toBe('http://h/x?tenant=1');
  });
});

describe('applyApiVersion', () => {
  const target = (pathTemplate: string, extra: Partial<VersionTarget> = {}): VersionTarget => ({
    pathTemplate,
    pathParams: {},
    headers: {},
    query: [],
    ...extra,
  });

  it('header, with the declared name; an explicit check header wins', () => {
    const t = target('/x');
    applyApiVersion({ value: '2024-06-20', in: 'header', name: 'Pay-Version' }, t);
    expect(t.headers).toEqual({ 'Pay-Version': '2024-06-20' });
    const own = target('/x', { headers: { 'pay-version': 'next' } });
    applyApiVersion({ value: '2024-06-20', in: 'header', name: 'Pay-Version' }, own);
    expect(own.headers).toEqual({ 'pay-version': 'next' });
  });

  it('query, defaulting the name to api-version', () => {
    const t = target('/x');
    applyApiVersion({ value: '2025-01-01', in: 'query' }, t);
    expect(t.query).toEqual([['api-version', '2025-01-01']]);
  });

  it('path: placeholder, already present, or prefixed', () => {
    const placeholder = target('/{apiVersion}/rates');
    applyApiVersion({ value: 'v2', in: 'path' }, placeholder);
    expect(placeholder.pathParams).toEqual({ apiVersion: 'v2' });
    const present = target('/v2/carriers');
    applyApiVersion({ value: 'v2', in: 'path' }, present);
    expect(present.pathTemplate).toBe('/v2/carriers');
    const prefixed = target('/carriers');
    applyApiVersion({ value: 'v2', in: 'path' }, prefixed);
    expect(prefixed.pathTemplate).toBe('/v2/carriers');
    const similar = target('/v20/carriers');
    applyApiVersion({ value: 'v2', in: 'path' }, similar);
    expect(similar.pathTemplate).toBe('/v2/v20/carriers');
  });
});
