import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { configureApp } from './app.setup.js';
import { AppModule } from './app.module.js';
import type { AppConfig, ResolvedConfig } from './config/app-config.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { startDevIssuer } from './dev-issuer/dev-issuer.js';

const logger = new Logger('Bootstrap');

/** Without OKTA_ISSUER (never in production: loadConfig refuses that) the built-in issuer stands in. */
async function resolveIssuer(config: AppConfig): Promise<ResolvedConfig> {
  if (config.okta.issuer !== undefined) return config as ResolvedConfig;
  const dev = await startDevIssuer({
    host: config.host,
    port: config.devIssuerPort,
    audience: config.okta.audiences[0],
  });
  logger.warn(`OKTA_ISSUER is not set: using the built-in development issuer at ${dev.issuer}`);
  logger.log(
    'Get a token: npm run -s token -- --sub alice@example.com --scopes messages:read,messages:write [--groups Admins]',
  );
  return { ...config, okta: { ...config.okta, issuer: dev.issuer } };
}

async function bootstrap(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const resolved = await resolveIssuer(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register(resolved),
    new FastifyAdapter(),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(PinoLogger));
  app.enableShutdownHooks();
  await configureApp(app, resolved);
  await app.listen(resolved.port, resolved.host);
  logger.log(`API listening on ${await app.getUrl()} (issuer ${resolved.okta.issuer})`);
}

void bootstrap();
