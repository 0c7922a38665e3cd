import { Inject, Injectable } from '@nestjs/common';
import { In, LessThan } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Clock } from '../../common/clock.js';
import { DomainError } from '../../common/domain-error.js';
import { TransactionService } from '../../database/transaction.service.js';
import { AuditService } from '../audit/audit.service.js';
import { RoleAssignmentEntity, UserEntity } from '../organizations/user.entity.js';
import type { AuthUser } from './auth-user.js';
import { clientKey, pairKey, passwordChangeKey } from './login-throttle.js';
import { broadcastAuth, onAuthBroadcast, SharedLoginThrottle } from './cluster-channel.js';
import { dummyHash, hashPassword, verifyPassword } from './password-hasher.js';
import { permissionsOf } from './permissions.js';
import { RevokedTokenEntity } from './revoked-token.entity.js';
import { TokenService } from './token.service.js';

export interface LoginResult {
  accessToken: string;
  expiresAt: string;
  user: {
    id: string;
    username: string;
    fullName: string;
    title: string;
    agencyId: string;
    unitId: string | null;
    roles: string[];
  };
}

@Injectable()
export class AuthService {
  private readonly throttle: SharedLoginThrottle;
  private readonly cache = new Map<string, { at: number; user: AuthUser }>();
  private readonly revoked = new Map<string, number>();

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly tx: TransactionService,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.throttle = new SharedLoginThrottle(config.loginMaxAttempts);
    // another HTTP worker changed a user or revoked a token: forget what this process cached
    onAuthBroadcast((e) => {
      if (e.kind === 'invalidate') this.forget(e.userId);
      else this.revoked.set(e.jti, e.until);
    });
  }

  async login(username: string, password: string, ip: string): Promise<LoginResult> {
    // per username and client together, and per client: a wrong guess from elsewhere never locks the owner out
    const keys = [pairKey(username, ip), clientKey(ip)];
    await this.throttle.run('check', keys);
    const user = await this.tx.manager.findOne(UserEntity, { where: { username } });
    const ok = user
      ? await verifyPassword(password, user.passwordHash)
      : (await verifyPassword(password, await dummyHash()), false);
    if (!user || !ok || !user.active) {
      await this.throttle.run('fail', keys);
      if (user)
        await this.audit.record({
          actorId: user.id,
          agencyId: user.agencyId,
          action: 'auth.login-failed',
          entityType: 'user',
          entityId: user.id,
          data: { ip },
        });
      throw new DomainError('BAD_CREDENTIALS', 'unauthorized');
    }
    await this.throttle.run('succeed', keys);
    const auth = await this.loadUser(user.id, user.tokenVersion, true);
    const { token, expiresAt } = this.tokens.issue(user);
    await this.audit.record({
      actorId: user.id,
      agencyId: user.agencyId,
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      data: { ip },
    });
    return {
      accessToken: token,
      expiresAt: expiresAt.toISOString(),
      user: {
        id: user.id,
        username: user.username,
        fullName: user.fullName,
        title: user.title,
        agencyId: user.agencyId,
        unitId: user.unitId,
        roles: auth!.roleNames,
      },
    };
  }

  /** Resolves a bearer token to the user, refusing expired, revoked, stale-version and deactivated ones. */
  async authenticate(token: string): Promise<AuthUser> {
    const claims = this.tokens.verify(token);
    if (await this.isRevoked(claims.jti, claims.exp)) throw new DomainError('UNAUTHENTICATED', 'unauthorized');
    const user = await this.loadUser(claims.sub, claims.tv);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'unauthorized');
    return { ...user, jti: claims.jti, tokenExp: claims.exp };
  }

  /** A download ticket, for the path it names only, while its session lasts. */
  async authenticateTicket(ticket: string, path: string): Promise<AuthUser> {
    const claims = this.tokens.verifyTicket(ticket);
    if (claims.path !== path) throw new DomainError('TICKET_INVALID', 'unauthorized');
    if (await this.isRevoked(claims.sid, claims.exp)) throw new DomainError('UNAUTHENTICATED', 'unauthorized');
    const user = await this.loadUser(claims.sub, claims.tv);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'unauthorized');
    return { ...user, jti: claims.sid, tokenExp: claims.exp };
  }

  async logout(user: AuthUser): Promise<void> {
    if (!user.jti) return;
    const expiresAt = new Date((user.tokenExp ?? Math.floor(Date.now() / 1000) + 3600) * 1000);
    await this.tx.run(async (m) => {
      await m.insert(RevokedTokenEntity, { jti: user.jti!, expiresAt });
      await m.delete(RevokedTokenEntity, { expiresAt: LessThan(this.clock.now()) });
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'auth.logout',
        entityType: 'user',
        entityId: user.id,
      });
    });
    this.revoked.set(user.jti, expiresAt.getTime());
    broadcastAuth({ kind: 'revoked', jti: user.jti, until: expiresAt.getTime() });
  }

  async changePassword(user: AuthUser, current: string, next: string): Promise<void> {
    // a stolen session must not become a password oracle: guesses of the current password are throttled too
    const keys = [passwordChangeKey(user.id)];
    await this.throttle.run('check', keys);
    const row = await this.tx.manager.findOneOrFail(UserEntity, { where: { id: user.id } });
    if (!(await verifyPassword(current, row.passwordHash))) {
      await this.throttle.run('fail', keys);
      throw new DomainError('BAD_CURRENT_PASSWORD', 'bad-request');
    }
    await this.throttle.run('succeed', keys);
    const passwordHash = await hashPassword(next);
    await this.tx.run(async (m) => {
      await m.update(UserEntity, { id: user.id }, { passwordHash, tokenVersion: row.tokenVersion + 1 });
      await this.audit.record({
        actorId: user.id,
        agencyId: user.agencyId,
        action: 'auth.password-changed',
        entityType: 'user',
        entityId: user.id,
      });
    });
    this.invalidate(user.id);
  }

  /** Drops cached users (one, or all) here and in the other HTTP worker processes. */
  invalidate(userId?: string): void {
    this.forget(userId);
    broadcastAuth({ kind: 'invalidate', userId });
  }

  private forget(userId?: string): void {
    if (!userId) this.cache.clear();
    else for (const k of this.cache.keys()) if (k.startsWith(`${userId}:`)) this.cache.delete(k);
  }

  /** Loads a user with roles; cached for a few seconds per (user, token version) to keep reads cheap. */
  async loadUser(id: string, tokenVersion: number, fresh = false): Promise<AuthUser | null> {
    const key = `${id}:${tokenVersion}`;
    const hit = this.cache.get(key);
    if (!fresh && hit && Date.now() - hit.at < 5000) return hit.user;
    const row = await this.tx.manager.findOne(UserEntity, { where: { id } });
    if (!row || !row.active || row.tokenVersion !== tokenVersion) return null;
    const grants = await this.tx.manager.find(RoleAssignmentEntity, { where: { userId: In([id]) } });
    const roleNames = [...new Set(grants.map((g) => g.role))];
    const user: AuthUser = {
      id: row.id,
      username: row.username,
      fullName: row.fullName,
      title: row.title,
      email: row.email,
      agencyId: row.agencyId,
      unitId: row.unitId,
      roles: grants.map((g) => ({
        role: g.role,
        agencyId: g.agencyId,
        unitId: g.unitId,
        includeDescendants: g.includeDescendants,
      })),
      roleNames,
      permissions: permissionsOf(roleNames),
      tokenVersion: row.tokenVersion,
    };
    if (this.cache.size > 20_000) this.cache.clear();
    this.cache.set(key, { at: Date.now(), user });
    return user;
  }

  /**
   * Every request asks this, so it is one fixed statement (no query building): another app process on the same
   * database may have revoked the token (logout) since this one cached anything.
   */
  private async isRevoked(jti: string, exp: number): Promise<boolean> {
    if (this.revoked.has(jti)) return true;
    const rows: unknown[] = await this.tx.manager.query('SELECT 1 AS hit FROM revoked_token WHERE jti = ?', [jti]);
    if (rows.length) this.revoked.set(jti, exp * 1000);
    return rows.length > 0;
  }
}
