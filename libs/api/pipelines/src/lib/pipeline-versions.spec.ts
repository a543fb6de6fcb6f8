import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { TenantContext } from '@flow/api/tenancy';
import type {
  ErrorResponse,
  PipelineIr,
  PipelineResponse,
  PipelineVersionListResponse,
  PipelineVersionResponse,
} from '@flow/contracts';

import { PipelinesModule } from './pipelines.module';
import { parseIfMatch } from './pipelines.service';

function irFiltering(status: string): PipelineIr {
  return {
    version: 1,
    schedule: null,
    nodes: [
      { id: 'orders', type: 'source', table: 'orders' },
      {
        id: 'picked',
        type: 'filter',
        input: 'orders',
        where: [{ column: 'status', op: '=', value: status }],
      },
      {
        id: 'out',
        type: 'target',
        input: 'picked',
        table: 'picked_orders',
        mode: 'append',
      },
    ],
  };
}

describe('pipeline versions (DESIGN §13)', () => {
  let t: TestApp;
  let acme: TenantContext;
  let other: TenantContext;
  let acmeToken: string;
  let otherToken: string;

  beforeAll(async () => {
    t = await createTestApp([PipelinesModule]);
    acme = await t.createTenant('acme');
    other = await t.createTenant('other');
    acmeToken = await t.tokenFor(acme);
    otherToken = await t.tokenFor(other);
  });

  afterAll(async () => {
    await t.close();
  });

  const request = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    options: { body?: unknown; ifMatch?: string; token?: string } = {},
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        authorization: `Bearer ${options.token ?? acmeToken}`,
        ...(options.ifMatch === undefined
          ? {}
          : { 'if-match': options.ifMatch }),
      },
      ...(options.body === undefined
        ? {}
        : { payload: options.body as object }),
    });

  async function createPipeline(name: string): Promise<PipelineResponse> {
    const response = await request('POST', '/pipelines', {
      body: { name, ir: irFiltering('paid') },
    });
    expect(response.statusCode).toBe(201);
    return response.json<PipelineResponse>();
  }

  describe(parseIfMatch.name, () => {
    it.each([
      [undefined, null],
      ['*', null],
      ['"3"', 3],
      ['W/"12"', 12],
      [' "7" ', 7],
    ])('reads %s as %s', (header, expected) => {
      expect(parseIfMatch(header)).toBe(expected);
    });

    it.each(['3', '"0"', '"abc"', '"1", "2"', '""'])(
      'refuses %s with a 400 naming the header',
      (header) => {
        expect(() => parseIfMatch(header)).toThrow(/If-Match/);
      },
    );
  });

  it('starts at version 1 with an ETag, and keeps who saved it', async () => {
    const created = await createPipeline('starts-at-one');
    expect(created.version).toBe(1);
    const get = await request('GET', `/pipelines/${created.id}`);
    expect(get.headers['etag']).toBe('"1"');
    const ir = await request('GET', `/pipelines/${created.id}/ir`);
    expect(ir.headers['etag']).toBe('"1"');
    const versions = await request('GET', `/pipelines/${created.id}/versions`);
    expect(versions.json<PipelineVersionListResponse>()).toEqual({
      items: [{ version: 1, createdAt: expect.any(String), createdBy: 'test' }],
      nextCursor: null,
    });
  });

  it('adds a version on every IR change (not on an identical IR, a rename or a pause) and honours If-Match', async () => {
    const { id } = await createPipeline('edited');
    const saved = await request('PUT', `/pipelines/${id}/ir`, {
      body: irFiltering('refunded'),
      ifMatch: '"1"',
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers['etag']).toBe('"2"');
    expect(saved.json<PipelineIr>()).toEqual(irFiltering('refunded'));

    // The same IR again (keys in another order): no new version.
    const reordered = JSON.parse(
      JSON.stringify(irFiltering('refunded'), [
        'nodes',
        'version',
        'schedule',
        'id',
        'type',
        'table',
        'input',
        'where',
        'column',
        'op',
        'value',
        'mode',
      ]),
    );
    const same = await request('PUT', `/pipelines/${id}/ir`, {
      body: reordered,
      ifMatch: '"2"',
    });
    expect(same.headers['etag']).toBe('"2"');
    const paused = await request('PATCH', `/pipelines/${id}`, {
      body: { paused: true, name: 'edited-renamed' },
    });
    expect(paused.json<PipelineResponse>().version).toBe(2);

    // A save based on version 1 is stale now: 412 with the current version, nothing changes.
    const stale = await request('PUT', `/pipelines/${id}/ir`, {
      body: irFiltering('lost'),
      ifMatch: '"1"',
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json<ErrorResponse>()).toEqual({
      statusCode: 412,
      error: 'Precondition Failed',
      message:
        'The pipeline was changed by someone else: it is at version 2, this edit is based on version 1. Reload it, apply the change again and save.',
      details: [
        {
          path: 'If-Match',
          message: 'is "1" but the pipeline is at version 2',
        },
      ],
      currentVersion: 2,
    });
    const patchStale = await request('PATCH', `/pipelines/${id}`, {
      body: { ir: irFiltering('lost') },
      ifMatch: '"1"',
    });
    expect(patchStale.statusCode).toBe(412);
    expect(
      (await request('GET', `/pipelines/${id}/ir`)).json<PipelineIr>(),
    ).toEqual(irFiltering('refunded'));

    // Without If-Match the last write wins (documented for API clients).
    const blind = await request('PUT', `/pipelines/${id}/ir`, {
      body: irFiltering('shipped'),
    });
    expect(blind.headers['etag']).toBe('"3"');

    const list = await request('GET', `/pipelines/${id}/versions`);
    expect(
      list.json<PipelineVersionListResponse>().items.map((v) => v.version),
    ).toEqual([3, 2, 1]);
    const two = await request('GET', `/pipelines/${id}/versions/2`);
    expect(two.json<PipelineVersionResponse>()).toEqual({
      version: 2,
      createdAt: expect.any(String),
      createdBy: 'test',
      ir: irFiltering('refunded'),
    });
  });

  it('lets exactly one of two saves based on the same version through', async () => {
    const { id } = await createPipeline('raced');
    const results = await Promise.all(
      ['a', 'b'].map((status) =>
        request('PUT', `/pipelines/${id}/ir`, {
          body: irFiltering(status),
          ifMatch: '"1"',
        }),
      ),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 412]);
    expect(
      (await request('GET', `/pipelines/${id}`)).json<PipelineResponse>()
        .version,
    ).toBe(2);
  });

  it('refuses a malformed If-Match with a 400 naming the header', async () => {
    const { id } = await createPipeline('bad-header');
    const response = await request('PUT', `/pipelines/${id}/ir`, {
      body: irFiltering('x'),
      ifMatch: '1',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorResponse>().details?.[0].path).toBe('If-Match');
  });

  it('pages versions newest first with a keyset cursor', async () => {
    const { id } = await createPipeline('paged');
    for (const status of ['b', 'c', 'd', 'e'])
      await request('PUT', `/pipelines/${id}/ir`, {
        body: irFiltering(status),
      });
    const first = (
      await request('GET', `/pipelines/${id}/versions?limit=2`)
    ).json<PipelineVersionListResponse>();
    expect(first.items.map((v) => v.version)).toEqual([5, 4]);
    const second = (
      await request(
        'GET',
        `/pipelines/${id}/versions?limit=2&cursor=${first.nextCursor}`,
      )
    ).json<PipelineVersionListResponse>();
    expect(second.items.map((v) => v.version)).toEqual([3, 2]);
    const last = (
      await request(
        'GET',
        `/pipelines/${id}/versions?limit=2&cursor=${second.nextCursor}`,
      )
    ).json<PipelineVersionListResponse>();
    expect(last).toEqual({
      items: [expect.objectContaining({ version: 1 })],
      nextCursor: null,
    });
    for (const [url, path] of [
      [`/pipelines/${id}/versions?limit=0`, 'limit'],
      [`/pipelines/${id}/versions?cursor=nope`, 'cursor'],
      [`/pipelines/${id}/versions/zero`, 'version'],
    ]) {
      const response = await request('GET', url);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorResponse>().details?.[0].path).toBe(path);
    }
    expect(
      (await request('GET', `/pipelines/${id}/versions/99`)).statusCode,
    ).toBe(404);
  });

  it("answers 404 for another tenant's pipeline versions", async () => {
    const { id } = await createPipeline('private');
    for (const url of [
      `/pipelines/${id}/versions`,
      `/pipelines/${id}/versions/1`,
      '/pipelines/not-a-uuid/versions',
    ]) {
      const response = await request('GET', url, { token: otherToken });
      expect(response.statusCode).toBe(404);
    }
  });
});
