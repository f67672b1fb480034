/**
 * The office's Ed25519 signing key, used for filing receipts and certificates. It comes from
 * SIGNING_KEY (a PKCS#8 PEM, or the base64 of a PKCS#8 DER or of a raw 32-byte seed); without it,
 * one key is generated on first use and kept in DATA_DIR/signing-key.pem, so signatures stay
 * verifiable across restarts. Tests without SIGNING_KEY get a key kept in memory only.
 *
 * Signatures cover a canonical JSON text (keys sorted, no spaces), so the same record always
 * signs to the same bytes whatever order its fields were built in.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

export interface Signer {
  /** Short, stable name of the key (first 16 hex chars of the SHA-256 of its public key). */
  keyId: string;
  publicKeyPem: string;
  /** Signs bytes or text; the signature is base64url. */
  sign(data: string | Buffer): string;
  verify(data: string | Buffer, signature: string): boolean;
  /** Signs the canonical JSON of a value. */
  signJson(value: unknown): string;
  verifyJson(value: unknown, signature: string): boolean;
}

export type SigningConfig = Pick<Config, 'signingKey' | 'dataDir'> & { test?: boolean };

export const KEY_FILE_NAME = 'signing-key.pem';
// PKCS#8 prefix of an Ed25519 private key: a raw 32-byte seed appended to it makes a full DER.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** JSON with object keys sorted at every level and Dates as ISO strings: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    if (typeof (value as { toHexString?: unknown }).toHexString === 'function') return String(value);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Parses SIGNING_KEY in any of the accepted forms. */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) return crypto.createPrivateKey(trimmed.replace(/\\n/g, '\n'));
  const der = Buffer.from(trimmed, trimmed.includes('-') || trimmed.includes('_') ? 'base64url' : 'base64');
  const pkcs8 = der.length === 32 ? Buffer.concat([ED25519_PKCS8_PREFIX, der]) : der;
  const key = crypto.createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('SIGNING_KEY must be an Ed25519 private key');
  return key;
}

export function signerFromKey(privateKey: KeyObject): Signer {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('The signing key must be an Ed25519 private key');
  const publicKey = crypto.createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyId = crypto.createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  const toBuffer = (data: string | Buffer) => (typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  const signer: Signer = {
    keyId,
    publicKeyPem,
    sign: (data) => crypto.sign(null, toBuffer(data), privateKey).toString('base64url'),
    verify: (data, signature) => {
      try {
        return crypto.verify(null, toBuffer(data), publicKey, Buffer.from(signature, 'base64url'));
      } catch {
        return false;
      }
    },
    signJson: (value) => signer.sign(canonicalJson(value)),
    verifyJson: (value, signature) => signer.verify(canonicalJson(value), signature),
  };
  return signer;
}

/** Reads DATA_DIR/signing-key.pem, or creates it; two instances starting together end up with the same key. */
function keyFromDataDir(dataDir: string): KeyObject {
  const file = path.join(dataDir, KEY_FILE_NAME);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const { privateKey } = crypto.generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    try {
      // 'wx' fails if another process wrote it first; then theirs is the key.
      fs.writeFileSync(file, pem, { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return crypto.createPrivateKey(fs.readFileSync(file, 'utf8'));
}

const cache = new Map<string, Signer>();

/** The signer for a configuration (one per key source per process). */
export function getSigner(config: SigningConfig): Signer {
  const source = config.signingKey ? `env:${config.signingKey}` : config.test ? 'memory' : `dir:${config.dataDir}`;
  let signer = cache.get(source);
  if (!signer) {
    const key = config.signingKey
      ? parsePrivateKey(config.signingKey)
      : config.test
        ? crypto.generateKeyPairSync('ed25519').privateKey
        : keyFromDataDir(config.dataDir);
    signer = signerFromKey(key);
    cache.set(source, signer);
  }
  return signer;
}
