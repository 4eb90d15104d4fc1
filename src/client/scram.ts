import * as crypto from 'node:crypto';
import { promisify } from 'node:util';

// The client side of SCRAM (RFC 5802), as Kafka's ScramSaslClient speaks it: no channel binding ("n,,"), no
// authorization id, and a server signature that must be checked before the exchange counts as done.

const pbkdf2 = promisify(crypto.pbkdf2);

export type ScramHash = 'sha1' | 'sha256' | 'sha512';

/** Kafka refuses fewer iterations (ScramMechanism's minimum), so a server offering fewer is not trusted. */
export const SCRAM_MIN_ITERATIONS = 4096;

/** The server's answers did not follow RFC 5802, or it could not prove it knows the password. */
export class ScramProtocolError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ScramProtocolError';
  }
}

/** A saslname: "=" and "," escaped as RFC 5802 section 5.1 says. */
export function saslName(username: string): string {
  return username.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** A message's attributes (`r=...,s=...,i=...`) by their one-letter names. */
function attributes(message: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of message.split(',')) {
    const match = /^([a-zA-Z])=(.*)$/s.exec(part);
    if (!match) throw new ScramProtocolError(`malformed SCRAM message ${JSON.stringify(message)}`);
    found.set(match[1], match[2]);
  }
  return found;
}

const hmac = (hash: ScramHash, key: Buffer, text: string | Buffer) => crypto.createHmac(hash, key).update(text).digest();
const digest = (hash: ScramHash, data: Buffer) => crypto.createHash(hash).update(data).digest();

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** A printable nonce without ",": 24 random bytes in base64. */
export function randomNonce(): string {
  return crypto.randomBytes(24).toString('base64');
}

/** One SCRAM exchange: client-first, then client-final from the server-first, then the server-final check. */
export class ScramClient {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | undefined;

  constructor(private readonly hash: ScramHash, username: string, private readonly password: string, private readonly clientNonce = randomNonce()) {
    this.clientFirstBare = `n=${saslName(username)},r=${clientNonce}`;
  }

  firstMessage(): string {
    return `n,,${this.clientFirstBare}`;
  }

  /** The client-final message proving the password, for the server-first message `serverFirst`. */
  async finalMessage(serverFirst: string): Promise<string> {
    const fields = attributes(serverFirst);
    if (fields.has('m')) throw new ScramProtocolError('the server asks for a SCRAM extension this client does not know');
    const nonce = fields.get('r');
    const salt = fields.get('s');
    const iterations = Number(fields.get('i'));
    if (!nonce || !nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) throw new ScramProtocolError('the server nonce does not extend the client nonce');
    if (!salt) throw new ScramProtocolError('the server sent no salt');
    if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS) throw new ScramProtocolError(`the server asks for ${fields.get('i')} iterations (at least ${SCRAM_MIN_ITERATIONS} needed)`);
    const length = digest(this.hash, Buffer.alloc(0)).length;
    const saltedPassword = await pbkdf2(Buffer.from(this.password, 'utf8'), Buffer.from(salt, 'base64'), iterations, length, this.hash);
    const clientKey = hmac(this.hash, saltedPassword, 'Client Key');
    const storedKey = digest(this.hash, clientKey);
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientProof = xor(clientKey, hmac(this.hash, storedKey, authMessage));
    this.expectedServerSignature = hmac(this.hash, hmac(this.hash, saltedPassword, 'Server Key'), authMessage);
    return `${withoutProof},p=${clientProof.toString('base64')}`;
  }

  /** Checks the server-final message: an error the server reports, or a signature only a server knowing the password can make. */
  verifyServerFinal(serverFinal: string): void {
    if (!this.expectedServerSignature) throw new ScramProtocolError('server-final message before the client-final one');
    const fields = attributes(serverFinal);
    const error = fields.get('e');
    if (error !== undefined) throw new ScramProtocolError(`the server says: ${error}`);
    const signature = Buffer.from(fields.get('v') ?? '', 'base64');
    if (signature.length !== this.expectedServerSignature.length || !crypto.timingSafeEqual(signature, this.expectedServerSignature)) {
      throw new ScramProtocolError('the server signature is wrong: the broker does not know this password (or is not the broker it claims to be)');
    }
  }
}
