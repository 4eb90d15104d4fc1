import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The SCRAM mechanisms Kafka knows, with the type ids of DescribeUserScramCredentials/AlterUserScramCredentials. */
export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramMechanism {
  name: ScramMechanismName;
  /** Kafka's ScramMechanism type: 1 SCRAM-SHA-256, 2 SCRAM-SHA-512 (0 is UNKNOWN). */
  type: number;
  hash: 'sha256' | 'sha512';
  /** Bytes of the hash, and so of the salted password and every key. */
  keyLength: number;
}

export const SCRAM_MECHANISMS: readonly ScramMechanism[] = [
  { name: 'SCRAM-SHA-256', type: 1, hash: 'sha256', keyLength: 32 },
  { name: 'SCRAM-SHA-512', type: 2, hash: 'sha512', keyLength: 64 },
];

/** Kafka's minimum (and sluice's default) iterations for both mechanisms, and the most the controller accepts. */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;

export function scramMechanismNamed(name: string): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.name === name);
}

export function scramMechanismOfType(type: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.type === type);
}

/** What a server keeps of a SCRAM password (RFC 5802 §3): never the password itself. */
export interface ScramCredential {
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

export function hmac(mechanism: ScramMechanism, key: Buffer, text: string | Buffer): Buffer {
  return createHmac(mechanism.hash, key).update(text).digest();
}

/** SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with the mechanism's HMAC. */
export function saltedPassword(mechanism: ScramMechanism, password: string, salt: Buffer, iterations: number): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, mechanism.keyLength, mechanism.hash);
}

export function clientKeyOf(mechanism: ScramMechanism, salted: Buffer): Buffer {
  return hmac(mechanism, salted, 'Client Key');
}

export function storedKeyOf(mechanism: ScramMechanism, clientKey: Buffer): Buffer {
  return createHash(mechanism.hash).update(clientKey).digest();
}

/** The stored credential from a salted password, as Kafka's controller derives it from an AlterUserScramCredentials upsertion. */
export function credentialFromSaltedPassword(mechanism: ScramMechanism, salted: Buffer, salt: Buffer, iterations: number): ScramCredential {
  return {
    salt,
    storedKey: storedKeyOf(mechanism, clientKeyOf(mechanism, salted)),
    serverKey: hmac(mechanism, salted, 'Server Key'),
    iterations,
  };
}

export function scramCredential(mechanism: ScramMechanism, password: string, iterations = SCRAM_MIN_ITERATIONS, salt: Buffer = randomBytes(32)): ScramCredential {
  return credentialFromSaltedPassword(mechanism, saltedPassword(mechanism, password, salt, iterations), salt, iterations);
}

export function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** A SCRAM message's attributes ("n=user,r=nonce"): each a letter, "=", and a value that runs to the next comma. */
export function parseScramAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([A-Za-z])=(.*)$/s.exec(part);
    if (!match) throw new ScramFormatError(`"${part}" is not a SCRAM attribute`);
    attributes.set(match[1], match[2]);
  }
  return attributes;
}

/** A saslname (RFC 5802 §5.1): "," is "=2C" and "=" is "=3D"; any other "=" makes it invalid. */
export function decodeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name)) throw new ScramFormatError(`invalid username encoding "${name}"`);
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

export function encodeSaslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** Why a SCRAM message could not be read. */
export class ScramFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramFormatError';
  }
}
