import { ConfigError } from './load-config.js';

/** The variables that say where a server listens, and their values. */
export interface ListenTarget {
  hostVariable: string;
  portVariable: string;
  host: string;
  port: number;
}

/**
 * A server that cannot listen where the configuration says, as a `ConfigError` naming the variable
 * to change (one line, like any invalid value); undefined for any other error. Only listening shows
 * these: a syntactically valid HOST may be no address of this machine, a PORT may be taken.
 */
export function listenFailure(
  error: unknown,
  { hostVariable, portVariable, host, port }: ListenTarget,
): ConfigError | undefined {
  const code = (error as NodeJS.ErrnoException | null | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return new ConfigError(
        `${portVariable} ${port} is already in use on ${host} (${code}): stop what listens there or choose another ${portVariable}`,
      );
    case 'EACCES':
      return new ConfigError(
        `${portVariable} ${port} on ${host} needs privileges this process lacks (${code}): choose a ${portVariable} from 1024`,
      );
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return new ConfigError(
        `${hostVariable} must be an address of this machine (0.0.0.0 or :: for all), got "${host}" (${code})`,
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return new ConfigError(
        `${hostVariable} must be an address of this machine or a name that resolves to one, got "${host}" (${code})`,
      );
    default:
      return undefined;
  }
}
