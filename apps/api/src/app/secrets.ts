import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { resolve } from 'node:path';

/** Secrets of the embedded (zero-config) mode, generated on first start and kept in the data dir. */
export interface EmbeddedSecrets {
  cronSecret: string;
  authJwtSecret: string;
  postgresPassword: string;
}

export function loadOrCreateEmbeddedSecrets(dataDir: string): EmbeddedSecrets {
  mkdirSync(dataDir, { recursive: true });
  const file = resolve(dataDir, 'secrets.json');
  const existing: Partial<EmbeddedSecrets> = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8'))
    : {};
  const secrets: EmbeddedSecrets = {
    cronSecret: existing.cronSecret ?? randomBytes(24).toString('base64url'),
    authJwtSecret:
      existing.authJwtSecret ?? randomBytes(32).toString('base64url'),
    postgresPassword:
      existing.postgresPassword ?? randomBytes(16).toString('hex'),
  };
  if (JSON.stringify(existing) !== JSON.stringify(secrets)) {
    writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', {
      mode: 0o600,
    });
    chmodSync(file, 0o600);
  }
  return secrets;
}
