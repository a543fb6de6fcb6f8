import { DynamicModule, Global, Module } from '@nestjs/common';

import { FLOW_CONFIG, type FlowConfig } from './config';
import { AppLifecycle } from './lifecycle';
import { FlowMetrics } from './metrics';

/**
 * Process-wide infrastructure, global: the validated configuration (`@Inject(FLOW_CONFIG)`), the lifecycle state
 * (draining on shutdown) and the Prometheus metrics.
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
      ],
      exports: [FLOW_CONFIG, AppLifecycle, FlowMetrics],
    };
  }
}
