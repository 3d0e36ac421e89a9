/**
 * Conformance cases for API tokens and the audit trail: a token is stored with its hash and listed without it,
 * a live name is unique, revoking is for good and idempotent, `lastUsedAt` never goes back, and the audit trail
 * pages newest first by a cursor that survives rows written between pages.
 */
import { describe, expect, it } from 'vitest';
import type { ApiTokenRecord, AuditEntry } from '../../auth/auth-records.js';
import { T0, expectStoreError, type StoreHarness } from './fixtures.js';

function makeToken(id: string, overrides: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id,
    name: `name-${id}`,
    role: 'responder',
    hash: id
      .padEnd(64, '0')
      .replace(/[^0-9a-f]/g, 'a')
      .slice(0, 64),
    createdAt: T0,
    ...overrides,
  };
}

function makeAudit(action: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return { at: T0, actor: 'alice', action, outcome: 'ok', ...overrides };
}

export function describeAuthCases(harness: StoreHarness): void {
  describe('api tokens', () => {
    it('stores a token with its hash for checking and lists it without', async () => {
      const token = makeToken('t1', { role: 'admin', name: 'root' });
      await harness.store.createApiToken(token);
      expect(await harness.store.activeApiTokens()).toEqual([token]);
      const { hash: _hash, ...listed } = token;
      expect(await harness.store.listApiTokens()).toEqual([listed]);
    });

    it('refuses invalid tokens, a second live token of one name and a reused id', async () => {
      await expectStoreError(
        harness.store.createApiToken(makeToken('t1', { role: 'root' as 'admin' })),
        'store-invalid-input',
      );
      await expectStoreError(
        harness.store.createApiToken(makeToken('t1', { hash: 'abc' })),
        'store-invalid-input',
      );
      await expectStoreError(
        harness.store.createApiToken(makeToken('t1', { name: 'has space' })),
        'store-invalid-input',
      );
      await harness.store.createApiToken(makeToken('t1', { name: 'alice' }));
      await expectStoreError(
        harness.store.createApiToken(makeToken('t2', { name: 'alice', hash: 'b'.repeat(64) })),
        'store-invalid-input',
      );
      await expectStoreError(
        harness.store.createApiToken(makeToken('t1', { name: 'bob', hash: 'c'.repeat(64) })),
        'store-invalid-input',
      );
      expect((await harness.store.listApiTokens()).map((t) => t.id)).toEqual(['t1']);
    });

    it('revokes for good: out of the live tokens, listed with revokedAt, its name free again', async () => {
      await harness.store.createApiToken(makeToken('t1', { name: 'alice' }));
      const revoked = await harness.store.revokeApiToken('t1', T0 + 5);
      expect(revoked).toEqual({
        kind: 'revoked',
        token: expect.objectContaining({ id: 't1', revokedAt: T0 + 5 }),
      });
      expect(await harness.store.revokeApiToken('t1', T0 + 9)).toEqual({
        kind: 'already-revoked',
        token: expect.objectContaining({ revokedAt: T0 + 5 }),
      });
      expect(await harness.store.revokeApiToken('nope', T0)).toEqual({ kind: 'not-found' });
      expect(await harness.store.activeApiTokens()).toEqual([]);
      await harness.store.createApiToken(makeToken('t2', { name: 'alice', hash: 'd'.repeat(64) }));
      expect((await harness.store.activeApiTokens()).map((t) => t.id)).toEqual(['t2']);
      expect((await harness.store.listApiTokens()).map((t) => [t.id, t.revokedAt])).toEqual([
        ['t1', T0 + 5],
        ['t2', undefined],
      ]);
    });

    it('notes when a token was last used, never going back', async () => {
      await harness.store.createApiToken(makeToken('t1'));
      await harness.store.touchApiToken('t1', T0 + 100);
      await harness.store.touchApiToken('t1', T0 + 50);
      await harness.store.touchApiToken('unknown', T0 + 100);
      expect((await harness.store.listApiTokens())[0]?.lastUsedAt).toBe(T0 + 100);
    });
  });

  describe('audit trail', () => {
    it('keeps every field and lists newest first, a page at a time, across rows written between pages', async () => {
      const full = makeAudit('POST /api/v1/incidents/:id/ack', {
        tokenId: 't1',
        target: 'INC-1',
        outcome: 'denied',
        status: 403,
      });
      await harness.store.recordAudit(full);
      for (let i = 1; i <= 4; i++) await harness.store.recordAudit(makeAudit(`a${i}`, { at: T0 + i }));
      const first = await harness.store.listAudit({ limit: 2 });
      expect(first.items.map((e) => e.action)).toEqual(['a4', 'a3']);
      await harness.store.recordAudit(makeAudit('later', { at: T0 + 10 }));
      const second = await harness.store.listAudit({ limit: 2, cursor: first.nextCursor ?? '' });
      expect(second.items.map((e) => e.action)).toEqual(['a2', 'a1']);
      const last = await harness.store.listAudit({ limit: 2, cursor: second.nextCursor ?? '' });
      expect(last.items).toEqual([{ ...full, id: expect.any(String) }]);
      expect(last.nextCursor).toBeUndefined();
      const ranged = await harness.store.listAudit({ since: T0 + 2, until: T0 + 4 });
      expect(ranged.items.map((e) => e.action)).toEqual(['a3', 'a2']);
    });

    it('refuses invalid rows and foreign cursors', async () => {
      await expectStoreError(harness.store.recordAudit(makeAudit('')), 'store-invalid-input');
      await expectStoreError(
        harness.store.recordAudit(makeAudit('x', { outcome: 'meh' as 'ok' })),
        'store-invalid-input',
      );
      await expectStoreError(harness.store.recordAudit(makeAudit('x', { actor: '' })), 'store-invalid-input');
      await expectStoreError(harness.store.listAudit({ cursor: 'bogus' }), 'store-invalid-cursor');
      expect((await harness.store.listAudit()).items).toEqual([]);
    });
  });
}
