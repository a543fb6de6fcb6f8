import { DynamicModule, Global, Module } from '@nestjs/common';

import { FLOW_CONFIG, type FlowConfig } from './config';

/** Infrastructure: the validated configuration, injected with `@Inject(FLOW_CONFIG)`. */
@Global()
@Module({})
export class FlowConfigModule {
  static forRoot(config: FlowConfig): DynamicModule {
    return { module: FlowConfigModule, providers: [{ provide: FLOW_CONFIG, useValue: config }], exports: [FLOW_CONFIG] };
  }
}
