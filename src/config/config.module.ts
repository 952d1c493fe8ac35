import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type ResolvedConfig } from './app-config.js';

/** Makes the validated configuration injectable everywhere as `APP_CONFIG`. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: ResolvedConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
