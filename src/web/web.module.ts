import { DynamicModule, Module } from '@nestjs/common';
import type { ResolvedConfig } from '../config/app-config.js';
import { DevSignInController } from './dev-sign-in.controller.js';
import { WebConfigController } from './web-config.controller.js';
import { devSignInEnabled } from './web-config.js';

/** The demo page's API side. Its static files are registered by `registerWebStatic` (app.setup.ts). */
@Module({})
export class WebModule {
  static register(config: ResolvedConfig): DynamicModule {
    const controllers: DynamicModule['controllers'] = [WebConfigController];
    // Without the built-in issuer the route does not exist at all.
    if (devSignInEnabled(config)) controllers.push(DevSignInController);
    return { module: WebModule, controllers };
  }
}
