/** The bind rule of `lifeline up`: loopback may run open, elsewhere needs tokens or `--insecure`. */
import { describe, expect, it } from 'vitest';
import { bindDecision, bindMessage, isLoopbackHost } from './bind-rule.js';

describe('bindDecision', () => {
  it('keeps loopback open without tokens and enforces tokens wherever they exist', () => {
    expect(bindDecision({ host: '127.0.0.1', liveTokens: 0, insecure: false })).toEqual({
      kind: 'open-local',
    });
    expect(bindDecision({ host: '::1', liveTokens: 2, insecure: false })).toEqual({
      kind: 'enforced',
      clearText: false,
    });
    expect(bindDecision({ host: '0.0.0.0', liveTokens: 1, insecure: false })).toEqual({
      kind: 'enforced',
      clearText: true,
    });
  });

  it('refuses another address without tokens unless --insecure', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'lifeline.internal']) {
      expect(bindDecision({ host, liveTokens: 0, insecure: false })).toEqual({ kind: 'refused' });
      expect(bindDecision({ host, liveTokens: 0, insecure: true })).toEqual({ kind: 'insecure' });
    }
    expect(bindMessage({ kind: 'refused' }, '0.0.0.0')).toContain('--insecure');
  });

  it('knows loopback addresses', () => {
    for (const host of [
      '127.0.0.1',
      '127.8.9.10',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      '0.0.0.0',
      '::',
      '128.0.0.1',
      '127.0.0.256',
      '192.168.1.1',
      'localhost.evil.com',
      '',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
