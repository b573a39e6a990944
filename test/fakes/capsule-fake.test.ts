import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearerJsonCall } from './bearer-json-call.js';
import { CAPSULE_FAKE_TOKEN, startCapsuleFake } from './capsule-fake.js';
import type { CapsuleFake } from './capsule-fake.js';

describe('capsule fake', () => {
  let fake: CapsuleFake;

  beforeEach(async () => {
    fake = await startCapsuleFake({ definitions: [{ name: 'Order ID', type: 'text' }] });
  });
  afterEach(async () => {
    await fake.close();
  });

  const call = bearerJsonCall(() => fake.url, CAPSULE_FAKE_TOKEN);

  const person = {
    type: 'person',
    lastName: 'Beispiel',
    emailAddresses: [{ address: 'a@example.com' }],
  };

  it('refuses a missing or wrong token, with the rate-limit headers', async () => {
    const wrong = await call('GET', '/site', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['x-ratelimit-limit']).toBe('4000');
    expect((await call('GET', '/site')).status).toBe(200);
  });

  it('refuses other content types, unknown fields, unknown query parameters and paths', async () => {
    expect(
      (
        await call('POST', '/parties', JSON.stringify({ party: person }), {
          'content-type': 'text/plain',
        })
      ).status,
    ).toBe(415);
    const unknown = await call('POST', '/parties', { party: { ...person, nickname: 'A' } });
    expect(unknown).toMatchObject({
      status: 422,
      json: { message: 'Validation Failed', errors: [{ field: 'nickname' }] },
    });
    expect((await call('POST', '/parties', { party: person, extra: 1 })).status).toBe(400);
    expect((await call('GET', '/parties/search?q=a&email=a@example.com')).status).toBe(400);
    expect((await call('GET', '/contacts')).status).toBe(404);
    expect(fake.parties.size).toBe(0);
  });

  it('keeps people, tags by name (case-insensitive) and removes tags by id; a refused update changes nothing', async () => {
    const created = await call('POST', '/parties?embed=tags', {
      party: { ...person, tags: [{ name: 'VIP' }] },
    });
    expect(created.status).toBe(201);
    const id = (created.json as { party: { id: number } }).party.id;
    await call('PUT', `/parties/${id}`, {
      party: { tags: [{ name: 'vip' }, { name: 'Customer' }] },
    });
    expect(fake.tagsOf(id)).toEqual(['Customer', 'VIP']);
    const vip = [...fake.tags.values()].find((t) => t.name === 'VIP');
    await call('PUT', `/parties/${id}`, { party: { tags: [{ id: vip?.id, _delete: true }] } });
    expect(fake.tagsOf(id)).toEqual(['Customer']);
    const before = fake.snapshot();
    const refused = await call('PUT', `/parties/${id}`, {
      party: { tags: [{ name: 'New' }], addresses: [{ city: 'Berlin', country: 'DE' }] },
    });
    expect(refused.status).toBe(422);
    expect(fake.snapshot()).toBe(before);
  });

  it('finds people by e-mail in the search and pages with a Link header', async () => {
    for (let i = 0; i < 3; i++)
      await call('POST', '/parties', {
        party: { ...person, emailAddresses: [{ address: `p${i}@example.com` }] },
      });
    const first = await call('GET', '/parties/search?q=example.com&perPage=2');
    expect((first.json as { parties: unknown[] }).parties).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
    const second = await call('GET', '/parties/search?q=example.com&perPage=2&page=2');
    expect((second.json as { parties: unknown[] }).parties).toHaveLength(1);
    expect(second.headers.link).toBeUndefined();
  });

  it('answers 429 with X-RateLimit-Reset once the hourly budget is used', async () => {
    fake.limit(1);
    expect((await call('GET', '/site')).status).toBe(200);
    const limited = await call('GET', '/site');
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ error: 'rate limit reached' });
    expect(Number(limited.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
  });

  it('keeps opportunities on known parties and milestones, closing them on complete milestones', async () => {
    const created = await call('POST', '/parties', { party: person });
    const partyId = (created.json as { party: { id: number } }).party.id;
    expect(
      (await call('POST', '/opportunities', { opportunity: { party: { id: partyId }, name: 'X' } }))
        .status,
    ).toBe(422);
    const opp = await call('POST', '/opportunities', {
      opportunity: { party: { id: partyId }, milestone: { id: fake.milestone('New') }, name: 'X' },
    });
    expect(opp.status).toBe(201);
    const oppId = (opp.json as { opportunity: { id: number } }).opportunity.id;
    await call('PUT', `/opportunities/${oppId}`, {
      opportunity: { milestone: { id: fake.milestone('Won') } },
    });
    expect(fake.opportunities.get(oppId)).toMatchObject({
      milestoneId: fake.milestone('Won'),
      closedOn: expect.any(String),
    });
    const listed = await call('GET', `/parties/${partyId}/opportunities`);
    expect((listed.json as { opportunities: unknown[] }).opportunities).toHaveLength(1);
  });
});
