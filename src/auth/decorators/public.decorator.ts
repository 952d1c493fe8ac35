import { Reflector } from '@nestjs/core';
import { PerRoute } from '../route-metadata.js';

/** Opts a route out of the global token guard (health checks). Everything else needs a token. */
export const Public = Reflector.createDecorator<true>({ transform: () => true });

/** Whether a route is `@Public()`, on its handler or its controller, read once per route. */
export function publicRoutes(reflector: Reflector): PerRoute<boolean> {
  return new PerRoute(
    (handler, controller) => reflector.getAllAndOverride(Public, [handler, controller]) === true,
  );
}
