import * as crypto from 'node:crypto';
import { promisify } from 'node:util';
import { clientKeyOf, encodeSaslName, hmac, parseScramAttributes, SCRAM_MIN_ITERATIONS, ScramMechanism, storedKeyOf, xor } from '../protocol/scram';

// The client side of SCRAM (RFC 5802), as Kafka's ScramSaslClient speaks it: no channel binding ("n,,"), no
// authorization id, and a server signature that must be checked before the exchange counts as done. The
// formulas are src/protocol/scram.ts's, which the broker's side uses too; the salted password is computed off the
// event loop here, since a client may be loading on the same thread.

const pbkdf2 = promisify(crypto.pbkdf2);

/** The server's answers did not follow RFC 5802, or it could not prove it knows the password. */
export class ScramProtocolError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ScramProtocolError';
  }
}

function attributes(message: string): Map<string, string> {
  try {
    return parseScramAttributes(message);
  } catch (error) {
    throw new ScramProtocolError(`malformed SCRAM message ${JSON.stringify(message)}: ${(error as Error).message}`);
  }
}

/** A printable nonce without ",": 24 random bytes in base64. */
export function randomNonce(): string {
  return crypto.randomBytes(24).toString('base64');
}

/** One SCRAM exchange: client-first, then client-final from the server-first, then the server-final check. */
export class ScramClient {
  private readonly clientFirstBare: string;
  private expectedServerSignature: Buffer | undefined;

  constructor(private readonly mechanism: ScramMechanism, username: string, private readonly password: string, private readonly clientNonce = randomNonce()) {
    this.clientFirstBare = `n=${encodeSaslName(username)},r=${clientNonce}`;
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
    const { hash, keyLength } = this.mechanism;
    const saltedPassword = await pbkdf2(Buffer.from(this.password, 'utf8'), Buffer.from(salt, 'base64'), iterations, keyLength, hash);
    const clientKey = clientKeyOf(this.mechanism, saltedPassword);
    const storedKey = storedKeyOf(this.mechanism, clientKey);
    const withoutProof = `c=${Buffer.from('n,,').toString('base64')},r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientProof = xor(clientKey, hmac(this.mechanism, storedKey, authMessage));
    this.expectedServerSignature = hmac(this.mechanism, hmac(this.mechanism, saltedPassword, 'Server Key'), authMessage);
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
