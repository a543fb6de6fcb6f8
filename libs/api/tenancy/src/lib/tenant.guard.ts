import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';

import { FLOW_CONFIG, type FlowConfig } from '@flow/api/core';

import { bearerToken, cronSecretMatches } from './cron-secret';
import {
  InvalidTokenError,
  JwtVerifier,
  type VerifiedTenantClaims,
} from './jwt-verifier';
import { rolesSatisfying, roleSatisfies } from './roles';
import {
  defaultRoleFor,
  RequiresRole,
  RouteAuth,
} from './route-auth.decorator';
import type { RequestWithTenant } from './tenant-context';
import { TenantsService } from './tenants.service';

interface AuthRequest extends RequestWithTenant {
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * `requireTenant`: the global guard. Every route needs a tenant JWT unless it opts out with `@Public()` or
 * `@CronSecret()`. Missing or invalid token → 401, unknown tenant → 403, a role below the route's (`@RequiresRole`,
 * else reads → viewer, writes → editor; DESIGN §12) → 403 naming both roles. Tokens are read from the Authorization
 * header only (never the query string, which ends up in logs).
 */
@Injectable()
export class TenantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
    private readonly tenants: TenantsService,
    @Inject(FLOW_CONFIG) private readonly config: FlowConfig,
    /** Present when structured logging is on: the request's log lines then carry the tenant id. */
    @Optional() private readonly requestLogger?: PinoLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const mode = this.reflector.getAllAndOverride(RouteAuth, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (mode === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthRequest>();
    const token = bearerToken(request.headers['authorization']);
    if (mode === 'cron-secret') {
      if (!cronSecretMatches(token, this.config.cronSecret))
        throw new UnauthorizedException(
          'Missing or invalid CRON_SECRET bearer token',
        );
      return true;
    }
    if (!token) throw new UnauthorizedException('Missing bearer token');
    let claims: VerifiedTenantClaims;
    try {
      claims = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new UnauthorizedException(
          `Invalid bearer token: ${error.message}`,
        );
      throw error;
    }
    const tenant = await this.tenants.findContext(claims.tenantId);
    if (!tenant) throw new ForbiddenException('Unknown tenant');
    const required =
      this.reflector.getAllAndOverride(RequiresRole, [
        context.getHandler(),
        context.getClass(),
      ]) ?? defaultRoleFor(request.method);
    if (!roleSatisfies(claims.role, required)) {
      const needed = rolesSatisfying(required).join(' or ');
      throw new ForbiddenException({
        message: `This request needs the ${needed} role; the token's role is ${claims.role}`,
        details: [
          { path: 'role', message: `is ${claims.role}, needs ${needed}` },
        ],
      });
    }
    request.tenant = tenant;
    request.caller = { subject: claims.subject, role: claims.role };
    this.requestLogger?.assign({ tenantId: tenant.id });
    return true;
  }
}
