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
import { InvalidTokenError, JwtVerifier } from './jwt-verifier';
import { RouteAuth } from './route-auth.decorator';
import type { RequestWithTenant } from './tenant-context';
import { TenantsService } from './tenants.service';

interface AuthRequest extends RequestWithTenant {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * `requireTenant`: the global guard. Every route needs a tenant JWT unless it opts out with `@Public()` or
 * `@CronSecret()`. Missing or invalid token → 401, unknown tenant → 403. Tokens are read from the Authorization
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
    let tenantId: string;
    try {
      tenantId = (await this.verifier.verify(token)).tenantId;
    } catch (error) {
      if (error instanceof InvalidTokenError)
        throw new UnauthorizedException(
          `Invalid bearer token: ${error.message}`,
        );
      throw error;
    }
    const tenant = await this.tenants.findContext(tenantId);
    if (!tenant) throw new ForbiddenException('Unknown tenant');
    request.tenant = tenant;
    this.requestLogger?.assign({ tenantId: tenant.id });
    return true;
  }
}
