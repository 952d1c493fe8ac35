import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger as PinoLogger } from 'pino';
import { configureApp, createAdapter } from './app.setup.js';
import { AppModule } from './app.module.js';
import type { AppConfig, ResolvedConfig } from './config/app-config.js';
import { listenFailure, type ListenTarget } from './config/listen-failure.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { checkDatabase } from './database/startup-check.js';
import { devIssuerHost } from './dev-issuer/issuer-url.js';
import { AppLogger } from './logging/app.logger.js';
import { ROOT_LOGGER } from './logging/root-logger.js';
import { registerWebStatic, webRoot } from './web/web-static.js';

const logger = new Logger('Bootstrap');

/** After SIGTERM, requests in flight get this long to finish before the process gives up on them. */
const SHUTDOWN_GRACE_MS = 9000;

/** Orchestrators send SIGTERM and wait ~10 s: stop accepting, finish what is in flight, close the pool, exit 0. */
function exitWithinGrace(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: no longer accepting connections; finishing requests in flight`);
      setTimeout(() => {
        logger.error(`requests still in flight after ${SHUTDOWN_GRACE_MS} ms; exiting anyway`);
        process.exit(1);
      }, SHUTDOWN_GRACE_MS).unref();
    });
  }
}

/** An invalid environment: one line naming the variable, exit 1, no stack trace. */
function exitOnConfigError(error: ConfigError): never {
  console.error(`Configuration error: ${error.message}`);
  process.exit(1);
}

/** Runs `listen`; failing to listen where the configuration says (port taken, no such address) is a configuration error. */
async function listenAt<T>(target: ListenTarget, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const failure = listenFailure(error, target);
    if (failure === undefined) throw error;
    exitOnConfigError(failure);
  }
}

/** Without OKTA_ISSUER (never in production: loadConfig refuses that) the built-in issuer stands in. */
async function resolveIssuer(config: AppConfig): Promise<ResolvedConfig> {
  if (config.okta.issuer !== undefined) return config as ResolvedConfig;
  // Loaded only here: oauth2-mock-server and what it pulls in cost start-up time and memory in production.
  const { startDevIssuer } = await import('./dev-issuer/dev-issuer.js');
  const host = devIssuerHost(config.host);
  const target = { hostVariable: 'HOST', portVariable: 'DEV_ISSUER_PORT', host, port: config.devIssuerPort };
  const dev = await listenAt(target, () =>
    startDevIssuer({ host, port: config.devIssuerPort, audience: config.okta.audiences[0] }),
  );
  logger.warn(`OKTA_ISSUER is not set: using the built-in development issuer at ${dev.issuer}`);
  logger.log(
    'Get a token: npm run -s token -- --sub alice@example.com --scopes messages:read,messages:write [--groups Admins]',
  );
  return {
    ...config,
    okta: { ...config.okta, issuer: dev.issuer },
    devIssuer: { issuer: dev.issuer, tokenEndpoint: dev.tokenEndpoint },
  };
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
    await checkDatabase(config.database);
  } catch (error) {
    if (error instanceof ConfigError) exitOnConfigError(error);
    throw error;
  }
  const resolved = await resolveIssuer(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(resolved),
    createAdapter(resolved),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(AppLogger));
  // useProcessExit: exit 0 once closed, rather than re-raising the signal.
  app.enableShutdownHooks([], { useProcessExit: true });
  exitWithinGrace();
  // Here rather than in configureApp: @fastify/static needs an ESM-only package that Jest on Node 20
  // cannot load, so in-process tests run without the page; the built server serves it.
  await registerWebStatic(app, webRoot(import.meta.url));
  await configureApp(app, resolved);
  // The metrics server is bound already (app.init): its failure was logged, and the API goes on without it.
  await listenAt(
    { hostVariable: 'HOST', portVariable: 'PORT', host: resolved.host, port: resolved.port },
    () => app.listen(resolved.port, resolved.host),
  );
  logger.log(`API listening on ${await app.getUrl()} (issuer ${resolved.okta.issuer})`);
  logger.log(`Demo page: ${await app.getUrl()}/`);
  // Logs go out in batches; these lines go now, so whoever waits for them (an operator, a
  // supervisor, a test) learns at once that the API answers.
  app.get<PinoLogger>(ROOT_LOGGER).flush();
}

void bootstrap();
