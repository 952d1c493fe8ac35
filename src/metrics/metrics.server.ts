import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { listenFailure } from '../config/listen-failure.js';
import { MetricsService } from './metrics.service.js';

/**
 * `/metrics` on its own port (METRICS_PORT), never on the API's: a scraper reaches it on the
 * internal network while the API port can face the internet. A plain Node server: nothing
 * here goes through the API's guards, limits or logs.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;
  /** `http://host:port/metrics` once listening; undefined when disabled or not started. */
  url: string | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.metrics.registry.metrics().then(
        (body) => response.writeHead(200, { 'Content-Type': this.metrics.registry.contentType }).end(body),
        () => response.writeHead(500).end(),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
    } catch (error) {
      // Like the API's own port: a METRICS_PORT that cannot be had is a configuration error.
      throw (
        listenFailure(error, { hostVariable: 'METRICS_HOST', portVariable: 'METRICS_PORT', host, port }) ??
        error
      );
    }
    this.server = server;
    const address = server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `http://${shownHost}:${address.port}/metrics`;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
