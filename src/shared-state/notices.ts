import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';

/**
 * Short messages every instance must hear (a revocation, say): `publish` reaches the subscribers
 * of `channel` on every instance that shares the bus, this one included.
 */
export abstract class Notices {
  abstract publish(channel: string, message: string): Promise<void>;
  abstract subscribe(channel: string, handler: (message: string) => void): void;
}

/** This process only: enough for one instance. */
@Injectable()
export class LocalNotices extends Notices {
  private readonly emitter = new EventEmitter();

  publish(channel: string, message: string): Promise<void> {
    this.emitter.emit(channel, message);
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): void {
    this.emitter.on(channel, handler);
  }
}
