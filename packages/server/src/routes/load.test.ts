import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertBody, makeJpeg, startTestServer, type TestServer } from '../server.fixture.js';

/** Scores as [boredom, confusion, engagement, frustration]. */
type Scores = [number, number, number, number];

describe('GET /load', () => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer();
    jpeg = await makeJpeg(48);
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    await server.reset();
  });

  const store = async (predicted: Scores, user: Scores, emotions: Record<string, string> = {}, meta?: Record<string, string>) => {
    const [pb, pc, pe, pf] = predicted;
    const [ub, uc, ue, uf] = user;
    const body = insertBody(jpeg, {
      predicted_boredom: pb,
      predicted_confusion: pc,
      predicted_engagement: pe,
      predicted_frustration: pf,
      user_boredom: ub,
      user_confusion: uc,
      user_engagement: ue,
      user_frustration: uf,
      ...emotions,
      ...(meta === undefined ? {} : { meta }),
    });
    const response = await server.app.inject({ method: 'POST', url: '/insert', payload: body });
    expect(response.statusCode, response.body).toBe(201);
    return response.json<{ id: string }>().id;
  };
  const load = (query = '') => server.app.inject({ method: 'GET', url: `/load${query}` });

  it('has empty statistics without annotations', async () => {
    const response = await load();
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ data: [], count: 0, limit: 10, offset: 0 });
    expect(body.statistics.total).toBe(0);
    expect(body.statistics.states.boredom).toEqual({ count: 0, mean_predicted: null, mean_user: null, mean_absolute_error: null });
    expect(body.statistics.emotions).toEqual({
      labels: ['happiness', 'sadness', 'anger', 'fear', 'disgust', 'surprise', 'neutral'],
      count: 0,
      accuracy: null,
      confusion_matrix: Array(7).fill(Array(7).fill(0)),
    });
  });

  it('computes the statistics and the confusion matrix (checked by hand)', async () => {
    await store([1, 0, 2, 3], [2, 0, 2, 1], { predicted_emotion: 'happiness', user_emotion: 'happiness' });
    await store([3, 1, 0, 0], [1, 1, 1, 0], { predicted_emotion: 'happiness', user_emotion: 'surprise' });
    await store([0, 2, 1, 1], [0, 3, 3, 2], { predicted_emotion: 'anger', user_emotion: 'anger' });
    await store([2, 1, 1, 2], [1, 2, 2, 2]); // no emotion: counted in the states, not in the matrix
    await store([2, 1, 1, 2], [1, 2, 2, 2], { predicted_emotion: 'fear' }); // one label only: not in the matrix either

    const { statistics } = (await load()).json();
    expect(statistics.total).toBe(5);
    // boredom predicted 1,3,0,2,2 → 1.6; user 2,1,0,1,1 → 1; |diff| 1,2,0,1,1 → 1
    expect(statistics.states.boredom).toEqual({ count: 5, mean_predicted: 1.6, mean_user: 1, mean_absolute_error: 1 });
    // confusion predicted 0,1,2,1,1 → 1; user 0,1,3,2,2 → 1.6; |diff| 0,0,1,1,1 → 0.6
    expect(statistics.states.confusion.mean_predicted).toBeCloseTo(1, 12);
    expect(statistics.states.confusion.mean_user).toBeCloseTo(1.6, 12);
    expect(statistics.states.confusion.mean_absolute_error).toBeCloseTo(0.6, 12);
    // engagement predicted 2,0,1,1,1 → 1; user 2,1,3,2,2 → 2; |diff| 0,1,2,1,1 → 1
    expect(statistics.states.engagement).toEqual({ count: 5, mean_predicted: 1, mean_user: 2, mean_absolute_error: 1 });
    // frustration predicted 3,0,1,2,2 → 1.6; user 1,0,2,2,2 → 1.4; |diff| 2,0,1,0,0 → 0.6
    expect(statistics.states.frustration.mean_predicted).toBeCloseTo(1.6, 12);
    expect(statistics.states.frustration.mean_user).toBeCloseTo(1.4, 12);
    expect(statistics.states.frustration.mean_absolute_error).toBeCloseTo(0.6, 12);

    const { emotions } = statistics;
    expect(emotions.count).toBe(3);
    expect(emotions.accuracy).toBeCloseTo(2 / 3, 12);
    const expected = Array.from({ length: 7 }, () => Array(7).fill(0));
    expected[0]![0] = 1; // happiness → happiness
    expected[0]![5] = 1; // happiness → surprise
    expected[2]![2] = 1; // anger → anger
    expect(emotions.confusion_matrix).toEqual(expected);
  });

  it('pages newest first with limit and offset, and statistics still cover every row', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await store([i % 4, 0, 0, 0], [0, 0, 0, 0], {}, { n: String(i) }));
    const first = (await load('?limit=2')).json();
    expect(first.data.map((row: { id: string }) => row.id)).toEqual([ids[4], ids[3]]);
    expect([first.count, first.limit, first.offset, first.statistics.total]).toEqual([2, 2, 0, 5]);
    const last = (await load('?limit=2&offset=4')).json();
    expect(last.data.map((row: { id: string }) => row.id)).toEqual([ids[0]]);
    expect((await load('?offset=10')).json().data).toEqual([]);
    expect((await load()).json().data).toHaveLength(5);
  });

  it('validates limit and offset (400 INVALID_REQUEST naming the parameter)', async () => {
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?offset=-1', 'offset'],
      ["?limit=1;DROP TABLE annotations", 'limit'],
      // Numbers only in decimal digits: Ajv's coercion would read these as 16, 1000, 5 and Infinity.
      ['?limit=0x10', 'limit'],
      ['?limit=1e3', 'limit'],
      ['?offset=%2B5', 'offset'],
      ['?offset=Infinity', 'offset'],
      ['?limit=1&limit=2', 'limit'],
    ] as const) {
      const response = await load(query);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error, query).toMatchObject({ code: 'INVALID_REQUEST', details: { field } });
    }
    expect((await load('?limit=1000')).statusCode).toBe(200);
  });
});
