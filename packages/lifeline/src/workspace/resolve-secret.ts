/**
 * Resolves a secret reference at the moment of use, and only then. The value goes straight to the API that needs
 * it; errors name the reference, never the value.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import type { SecretReference } from './values.js';

export interface SecretContext {
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory `${file:…}` references are relative to (the declaring file's directory). */
  baseDir: string;
}

export async function resolveSecret(ref: SecretReference, context: SecretContext): Promise<string> {
  switch (ref.source) {
    case 'literal':
      return ref.value;
    case 'env': {
      const value = (context.env ?? process.env)[ref.name];
      if (value === undefined || value === '') {
        throw new ConfigError('secret-unresolved', `environment variable \`${ref.name}\` is not set`);
      }
      return value;
    }
    case 'file': {
      const path = isAbsolute(ref.name) ? ref.name : resolve(context.baseDir, ref.name);
      try {
        return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
      } catch (error) {
        throw new ConfigError('secret-unresolved', `cannot read secret file \`${ref.name}\``, {
          cause: error,
        });
      }
    }
  }
}
