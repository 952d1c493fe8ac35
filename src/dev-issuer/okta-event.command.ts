import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { fakeOktaUserId } from './okta-claims.js';
import { oneLine, type CommandEnv } from './token-command-args.js';
import type { CommandOutput } from './token.command.js';

export const OKTA_EVENT_USAGE = `Usage: npm run -s okta-event -- <event type> (--sub <subject> | --uid <user id>) [options]

Sends one event to the API's Okta event hook (POST /hooks/okta), as Okta would, with
OKTA_EVENT_HOOK_SECRET as its Authorization: e.g. user.lifecycle.deactivate, then
user.lifecycle.reactivate. The API must run with the same OKTA_EVENT_HOOK_SECRET.

Options:
  --sub <subject>     the user of the development issuer's tokens with this sub (their uid)
  --uid <user id>     the Okta user id (the uid claim), e.g. 00u1b2c3d4E5f6G7h8i9
  --published <when>  when the event happened: an ISO 8601 time, now (default) or now-<seconds>
  --api <url>         the API (default: http://$HOST:$PORT, i.e. http://127.0.0.1:8000)
  --help              show this help`;

export interface OktaEventCommandOptions {
  eventType: string;
  uid: string;
  published: Date;
  api: string;
  secret: string;
}

/** Error whose message is fit to print as the command's only output line. */
export class OktaEventCommandError extends Error {}

export function parseOktaEventCommand(
  argv: readonly string[],
  env: CommandEnv,
  now = Date.now(),
): OktaEventCommandOptions | 'help' {
  const { values, positionals } = parseFlags(argv);
  if (values.help) return 'help';
  const [eventType, ...extra] = positionals;
  if (eventType === undefined || extra.length > 0 || !/^[a-z][a-z0-9_.]{0,99}$/.test(eventType)) {
    throw new OktaEventCommandError('give one event type, e.g. user.lifecycle.deactivate (see --help)');
  }
  if ((values.sub === undefined) === (values.uid === undefined)) {
    throw new OktaEventCommandError('name the user with --sub or --uid (one of them)');
  }
  const uid = values.uid ?? fakeOktaUserId(values.sub!.trim());
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(uid))
    throw new OktaEventCommandError(`--uid is not an Okta user id: ${uid}`);
  const secret = env.OKTA_EVENT_HOOK_SECRET?.trim();
  if (!secret) {
    throw new OktaEventCommandError('set OKTA_EVENT_HOOK_SECRET to the value the API runs with');
  }
  const api = (values.api ?? defaultApi(env)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(api) || !URL.canParse(api)) {
    throw new OktaEventCommandError(`--api is not an http(s) URL: ${api}`);
  }
  return { eventType, uid, published: parsePublished(values.published ?? 'now', now), api, secret };
}

function parsePublished(raw: string, now: number): Date {
  const ago = /^now(?:-(\d{1,9}))?$/.exec(raw.trim());
  const at = ago ? now - Number(ago[1] ?? 0) * 1000 : Date.parse(raw);
  if (!Number.isFinite(at)) {
    throw new OktaEventCommandError(
      `--published must be an ISO 8601 time, now or now-<seconds>, got "${raw}"`,
    );
  }
  return new Date(at);
}

function defaultApi(env: CommandEnv): string {
  const configured = env.HOST?.trim() || '127.0.0.1';
  const host = configured === '0.0.0.0' ? '127.0.0.1' : configured === '::' ? '::1' : configured;
  return `http://${isIPv6(host) ? `[${host}]` : host}:${env.PORT?.trim() || '8000'}`;
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        sub: { type: 'string' },
        uid: { type: 'string' },
        published: { type: 'string' },
        api: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new OktaEventCommandError(`${oneLine(error)} (see --help)`);
  }
}

/** Okta's delivery of one event (a LogEvent in `data.events`); what the API reads of it, and a little more. */
export function eventDelivery({ eventType, uid, published }: OktaEventCommandOptions): object {
  return {
    eventType: 'com.okta.event_hook',
    eventTypeVersion: '1.0',
    cloudEventsVersion: '0.1',
    contentType: 'application/json',
    eventId: randomUUID(),
    eventTime: new Date().toISOString(),
    source: 'npm run okta-event',
    data: {
      events: [
        {
          uuid: randomUUID(),
          published: published.toISOString(),
          eventType,
          version: '0',
          severity: 'INFO',
          displayMessage: `${eventType} (sent by npm run okta-event)`,
          actor: { id: 'dev-admin', type: 'User', alternateId: 'admin@example.com' },
          outcome: { result: 'SUCCESS' },
          target: [{ id: uid, type: 'User' }],
        },
      ],
    },
  };
}

const ANSWERS: Record<number, string> = {
  401: 'the API refused the secret: OKTA_EVENT_HOOK_SECRET is not the value the API runs with',
  404: 'the API has no event hook: start it with OKTA_EVENT_HOOK_SECRET set',
};

/** Runs the command and returns its exit code; never throws. */
export async function runOktaEventCommand(
  argv: readonly string[],
  env: CommandEnv,
  output: CommandOutput,
): Promise<number> {
  try {
    const options = parseOktaEventCommand(argv, env);
    if (options === 'help') {
      output.stdout(`${OKTA_EVENT_USAGE}\n`);
      return 0;
    }
    const url = `${options.api}/hooks/okta`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: options.secret, 'content-type': 'application/json' },
      body: JSON.stringify(eventDelivery(options)),
      signal: AbortSignal.timeout(10_000),
    }).catch(() => {
      throw new OktaEventCommandError(`cannot reach the API at ${options.api}: is it running (--api)?`);
    });
    if (response.status !== 200) {
      throw new OktaEventCommandError(ANSWERS[response.status] ?? `the API answered HTTP ${response.status}`);
    }
    output.stdout(
      `${options.eventType} for user ${options.uid} at ${options.published.toISOString()}: stored by ${url}\n`,
    );
    return 0;
  } catch (error) {
    output.stderr(`okta-event: ${oneLine(error)}\n`);
    return 1;
  }
}

function isMainModule(): boolean {
  const entry = process.argv.at(1);
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isMainModule()) {
  process.exitCode = await runOktaEventCommand(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
