import { eventBatch, oktaEvent } from '../../test/fixtures/okta-events.js';
import { MalformedBatchError, parseEventBatch } from './okta-event-batch.js';

describe('parseEventBatch', () => {
  it('reads the handled events of a delivery, one revocation per User target', () => {
    const published = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    const batch = eventBatch([
      oktaEvent('user.lifecycle.deactivate', '00uA', { published, uuid: 'e1' }),
      oktaEvent('user.account.unlock_by_admin', '00uB', {
        published,
        uuid: 'e2',
        extraTargets: [
          { id: '00uC', type: 'User' },
          { id: '0oaAPP', type: 'AppInstance' },
        ],
      }),
      oktaEvent('user.session.start', '00uD'),
    ]);
    expect(parseEventBatch(batch)).toEqual({
      revocations: [
        {
          eventId: 'e1',
          eventType: 'user.lifecycle.deactivate',
          uid: '00uA',
          kind: 'deactivate',
          at: published,
        },
        {
          eventId: 'e2',
          eventType: 'user.account.unlock_by_admin',
          uid: '00uB',
          kind: 'unlock',
          at: published,
        },
        {
          eventId: 'e2',
          eventType: 'user.account.unlock_by_admin',
          uid: '00uC',
          kind: 'unlock',
          at: published,
        },
      ],
      ignored: 1,
    });
  });

  it('takes a published time with an offset', () => {
    const event = { ...oktaEvent('user.lifecycle.suspend', '00uA'), published: '2026-01-02T04:04:05+01:00' };
    expect(parseEventBatch(eventBatch([event])).revocations[0].at).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
  });

  it('does not take an inherited property for an event type', () => {
    expect(parseEventBatch(eventBatch([{ eventType: 'constructor' }, { eventType: '__proto__' }]))).toEqual({
      revocations: [],
      ignored: 2,
    });
  });

  it.each([null, 'text', [], { data: null }, { data: { events: 'x' } }])('refuses %j', (body) => {
    expect(() => parseEventBatch(body)).toThrow(MalformedBatchError);
  });
});
