import { randomBytes } from 'node:crypto';
import { WebHdfsError } from './remote-exception';
import { Caller, SUPERGROUP } from './permissions';
import { QueryParams, checkUserName } from './params';

export const DEFAULT_USER = 'dr.who';
const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface DelegationToken {
  owner: string;
  expiry: number;
}

/**
 * Who a request acts as, with security off as on most clusters WebHDFS loads meet: `user.name` (default dr.who),
 * a `delegation` token from GETDELEGATIONTOKEN standing for its owner, and `doas` (proxy user; the emulator lets any
 * user impersonate anyone). Every user is in a group of its own name; the superuser is also in `supergroup`.
 */
export class Authenticator {
  private readonly tokens = new Map<string, DelegationToken>();

  constructor(private readonly superuser: string) {}

  callerOf(params: QueryParams): Caller {
    const token = params.get('delegation');
    let user: string;
    if (token !== undefined) user = this.tokenOwner(token);
    else user = checkUserName('user.name', params.get('user.name') ?? DEFAULT_USER);
    const doas = params.get('doas');
    if (doas !== undefined) user = checkUserName('doas', doas);
    return this.caller(user);
  }

  caller(user: string): Caller {
    const superuser = user === this.superuser;
    return { user, superuser, groups: superuser ? [user, SUPERGROUP] : [user] };
  }

  issue(owner: string): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { owner, expiry: Date.now() + TOKEN_LIFETIME_MS });
    return token;
  }

  /** RENEWDELEGATIONTOKEN: the new expiry time. */
  renew(token: string): number {
    const known = this.known(token);
    known.expiry = Date.now() + TOKEN_LIFETIME_MS;
    return known.expiry;
  }

  cancel(token: string): void {
    this.known(token);
    this.tokens.delete(token);
  }

  private tokenOwner(token: string): string {
    return this.known(token).owner;
  }

  private known(token: string): DelegationToken {
    const known = this.tokens.get(token);
    if (!known || known.expiry < Date.now()) {
      throw new WebHdfsError(
        'SecurityException',
        `Failed to obtain user group information: org.apache.hadoop.security.token.SecretManager$InvalidToken: ` +
          `token (${token}) can't be found in cache`,
      );
    }
    return known;
  }
}
