import { Reflector } from '@nestjs/core';

/** Opts a route out of the global token guard (health checks). Everything else needs a token. */
export const Public = Reflector.createDecorator<true>({ transform: () => true });
