// Secrets are scrubbed from messages in every form they travel in.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('replaces raw, URL-encoded and form-encoded forms', () => {
    const secret = 's3cr3t/with space+plus';
    const text = `a ${secret} b ${encodeURIComponent(secret)} c s3cr3t%2Fwith+space%2Bplus`;
    expect(redactSecrets(text, [secret])).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
  });

  it('leaves very short values alone and replaces the longest match first', () => {
    expect(redactSecrets('ab abc abcdef', ['ab', 'abc', 'abcdef'])).toBe(`ab ${REDACTED} ${REDACTED}`);
  });
});
