import { dpopProof, generateDpopKey, type DpopKey } from '../../../test/fixtures/dpop-proof.js';
import { loadConfig } from '../../config/load-config.js';
import { LocalReplayMemory, ReplayMemory } from '../../shared-state/replay-memory.js';
import type { Principal } from '../principal.js';
import { RefusalReason } from '../refusal-reason.js';
import { InvalidDpopProofError, UseDpopNonceError } from './dpop-errors.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopService, type DpopRequest } from './dpop.service.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const URL = 'http://api.example.test/api/messages';

/** Remembers what it was asked, and answers like the local memory. */
class RecordingReplayMemory extends ReplayMemory {
  readonly calls: [string, number][] = [];
  private readonly memory = new LocalReplayMemory();
  firstUse(key: string, ttlSeconds: number): Promise<boolean> {
    this.calls.push([key, ttlSeconds]);
    return this.memory.firstUse(key, ttlSeconds);
  }
}

function service(env: Record<string, string> = {}) {
  const config = loadConfig({ OKTA_CLOCK_TOLERANCE: '30', ...env });
  const replay = new RecordingReplayMemory();
  return { dpop: new DpopService(config, new DpopNonces(config), replay), replay };
}

function requestWith(proofs: string[], extra: Partial<DpopRequest> = {}): DpopRequest {
  const rawHeaders = ['Host', 'api.example.test', ...proofs.flatMap((proof) => ['DPoP', proof])];
  return {
    method: 'GET',
    headers: { host: 'api.example.test', dpop: proofs.length > 0 ? proofs.join(', ') : undefined },
    raw: { rawHeaders, url: '/api/messages?limit=5' },
    ...extra,
  };
}

const principal = (dpopJkt: string | undefined) => ({ dpopJkt }) as Principal;

async function reason(promise: Promise<unknown>): Promise<RefusalReason> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDpopProofError);
    return (error as InvalidDpopProofError).reason;
  }
  throw new Error('expected invalid_dpop_proof');
}

describe('DpopService', () => {
  let key: DpopKey;
  let other: DpopKey;
  beforeAll(async () => {
    [key, other] = await Promise.all([generateDpopKey(), generateDpopKey()]);
  });
  const proof = (claims: Record<string, unknown> = {}, url = URL) =>
    dpopProof({ key, method: 'GET', url, accessToken: TOKEN, claims });

  describe('checkProof', () => {
    it('checks the one DPoP header against the request method and URL (Host, path, no query)', async () => {
      const { dpop } = service();
      await expect(dpop.checkProof(requestWith([await proof()]), TOKEN)).resolves.toMatchObject({
        jkt: key.jkt,
      });
      expect(await reason(dpop.checkProof(requestWith([await proof()], { method: 'POST' }), TOKEN))).toBe(
        RefusalReason.DpopWrongMethod,
      );
    });

    it('refuses no DPoP header, an empty one, and two', async () => {
      const { dpop } = service();
      expect(await reason(dpop.checkProof(requestWith([]), TOKEN))).toBe(RefusalReason.DpopProofMissing);
      expect(await reason(dpop.checkProof(requestWith(['  ']), TOKEN))).toBe(RefusalReason.DpopProofMissing);
      const two = requestWith([await proof(), await proof()]);
      expect(await reason(dpop.checkProof(two, TOKEN))).toBe(RefusalReason.DpopProofRepeated);
    });

    it('uses PUBLIC_URL, not the Host, as the origin of htu', async () => {
      const { dpop } = service({ PUBLIC_URL: 'https://api.example.com' });
      const forPublic = await proof({}, 'https://api.example.com/api/messages');
      await expect(dpop.checkProof(requestWith([forPublic]), TOKEN)).resolves.toBeDefined();
      expect(await reason(dpop.checkProof(requestWith([await proof()]), TOKEN))).toBe(
        RefusalReason.DpopWrongUrl,
      );
    });

    it('asks for a nonce with DPOP_NONCE, after every other proof rule', async () => {
      const { dpop } = service({ DPOP_NONCE: 'true' });
      await expect(dpop.checkProof(requestWith([await proof()]), TOKEN)).rejects.toBeInstanceOf(
        UseDpopNonceError,
      );
      const badAndNoNonce = await proof({ htm: 'PUT' });
      expect(await reason(dpop.checkProof(requestWith([badAndNoNonce]), TOKEN))).toBe(
        RefusalReason.DpopWrongMethod,
      );
    });
  });

  describe('confirm', () => {
    it("refuses a proof whose key is not the token's", async () => {
      const { dpop, replay } = service();
      const verified = await dpop.checkProof(requestWith([await proof()]), TOKEN);
      expect(await reason(dpop.confirm(verified, principal(other.jkt)))).toBe(RefusalReason.DpopKeyMismatch);
      expect(await reason(dpop.confirm(verified, principal(undefined)))).toBe(RefusalReason.DpopKeyMismatch);
      // A refused proof does not use up its jti.
      expect(replay.calls).toEqual([]);
    });

    it('accepts a jti once per key, remembered for 60 s plus the clock tolerance', async () => {
      const { dpop, replay } = service();
      const verified = await dpop.checkProof(requestWith([await proof({ jti: 'once' })]), TOKEN);
      await dpop.confirm(verified, principal(key.jkt));
      expect(await reason(dpop.confirm(verified, principal(key.jkt)))).toBe(RefusalReason.DpopReplayed);
      expect(replay.calls[0]).toEqual([`dpop:${key.jkt}:once`, 90]);
      const fromOther = { ...verified, jkt: other.jkt };
      await expect(dpop.confirm(fromOther, principal(other.jkt))).resolves.toBeUndefined();
    });
  });
});
