import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AddressInfo } from 'node:net';
import { configureApp, createAdapter } from './app.setup.js';
import { AppModule } from './app.module.js';
import type { AppConfig, ResolvedConfig } from './config/app-config.js';
import { listenFailure, type ListenTarget } from './config/listen-failure.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { resolveSites } from './config/resolve-sites.js';
import { checkDatabase } from './database/startup-check.js';
import { devIssuerHost } from './dev-issuer/issuer-url.js';
import { AppLogger } from './logging/app.logger.js';
import { MetricsServer } from './metrics/metrics.server.js';
import { startBanner } from './start-banner.js';
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

/** An invalid environment: a line naming the variable for each problem, exit 1, nothing after it. */
function exitOnConfigError(error: ConfigError): never {
  for (const line of error.message.split('\n')) process.stderr.write(`Configuration error: ${line}\n`);
  process.exit(1);
}

/** Runs `start`; a configuration error (a port taken, an address not of this machine…) ends the process. */
async function orExit<T>(start: () => Promise<T>, target?: ListenTarget): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const failure = error instanceof ConfigError ? error : target && listenFailure(error, target);
    if (failure) exitOnConfigError(failure);
    throw error;
  }
}

/**
 * Sites without an issuer (only without OKTA_ISSUER, or in a development SITES_FILE: never in
 * production, which loadConfig refuses) get an authorization server of the built-in issuer each.
 */
async function resolveIssuer(config: AppConfig): Promise<ResolvedConfig> {
  const devSites = config.sites.filter((site) => site.issuer === undefined);
  if (devSites.length === 0) return resolveSites(config);
  // Loaded only here: oauth2-mock-server is a development dependency.
  const { startDevIssuer } = await import('./dev-issuer/dev-issuer.js');
  const host = devIssuerHost(config.host);
  const target = { hostVariable: 'HOST', portVariable: 'DEV_ISSUER_PORT', host, port: config.devIssuerPort };
  const servers = devSites.map((site) => ({ name: site.id, audience: site.audiences[0] }));
  const dev = await orExit(
    () => startDevIssuer({ host, port: config.devIssuerPort, audience: servers[0].audience, servers }),
    target,
  );
  return {
    ...resolveSites(config, dev.issuers),
    devIssuer: {
      issuer: dev.issuer,
      tokenEndpoint: dev.tokenEndpoint,
      sites: devSites.map((site) => site.id),
    },
  };
}

async function bootstrap(): Promise<void> {
  const config = await orExit(async () => {
    const loaded = loadConfig(process.env);
    // Before anything listens: a database that cannot be reached is one line, not a minute of retries.
    await checkDatabase(loaded.database);
    return loaded;
  });
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
  // Here rather than in configureApp: the page's files are the build's (dist/web/public), so the
  // built server serves it and in-process tests run without it.
  await registerWebStatic(app, webRoot(import.meta.url));
  await orExit(() => configureApp(app, resolved));
  const target = { hostVariable: 'HOST', portVariable: 'PORT', host: resolved.host, port: resolved.port };
  await orExit(() => app.listen(resolved.port, resolved.host), target);
  const address = app.getHttpServer().address() as AddressInfo;
  for (const line of startBanner(resolved, address, app.get(MetricsServer).url)) logger.log(line);
}

void bootstrap();
