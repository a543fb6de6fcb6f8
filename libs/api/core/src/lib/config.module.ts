import { DynamicModule, Global, Module } from '@nestjs/common';

import { FLOW_CONFIG, type FlowConfig } from './config';
import { AppLifecycle } from './lifecycle';
import { FlowMetrics } from './metrics';
import { RateLimiter } from './rate-limit';

/**
 * Process-wide infrastructure, global: the validated configuration (`@Inject(FLOW_CONFIG)`), the lifecycle state
 * (draining on shutdown), the Prometheus metrics and the rate limiter.
 */
@Global()
@Module({})
export class FlowConfigModule {
  static forRoot(config: FlowConfig): DynamicModule {
    return {
      module: FlowConfigModule,
      providers: [
        { provide: FLOW_CONFIG, useValue: config },
        AppLifecycle,
        FlowMetrics,
        RateLimiter,
      ],
      exports: [FLOW_CONFIG, AppLifecycle, FlowMetrics, RateLimiter],
    };
  }
}
