import { Controller, Get, Inject } from '@nestjs/common';
import { Public } from '../auth/decorators/public.decorator.js';
import { APP_CONFIG, type ResolvedConfig } from '../config/app-config.js';
import { webConfig, type WebConfig } from './web-config.js';

/** The demo page reads this before anyone has signed in, so it is public. */
@Controller('web-config')
@Public()
export class WebConfigController {
  constructor(@Inject(APP_CONFIG) private readonly config: ResolvedConfig) {}

  @Get()
  get(): WebConfig {
    return webConfig(this.config);
  }
}
