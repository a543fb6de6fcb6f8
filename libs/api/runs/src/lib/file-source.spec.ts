import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Module } from '@nestjs/common';

import { queryRows } from '@flow/api/db';
import { PipelinesModule } from '@flow/api/pipelines';
import type { TenantContext } from '@flow/api/tenancy';
import { createTestApp, type TestApp } from '@flow/api/tenancy/testing';
import type { FileNode, LineageResponse, PipelineIr } from '@flow/contracts';

import { RunsModule } from './runs.module';
import type { RunDetail } from './runs.service';
import { WorkerService } from './worker.service';

@Module({ imports: [RunsModule.register({ concurrency: 1 })] })
class TestRunsModule {}

interface LetterRow {
  kind: string;
  node_id: string;
  file: string;
  line: string;
  reason: string;
  row: Record<string, unknown>;
}

const GOOD_LINES = [
  '1,10.50,2026-12-01,paid',
  '2,7,2026-12-01,open',
  '3,"1,000.5",2026-12-02,paid',
  '4,-3.25,2026-12-02,"say ""hi"""',
  '5,0,2026-12-03,',
];
const BAD_LINES = [
  'x7,1,2026-12-01,paid',
  '8,1,2026-02-30,paid',
  '9,1,2026-12-01',
  '10,abc,2026-12-01,paid',
];

/**
 * File sources end to end (DESIGN §15) on real PostgreSQL and a real temporary landing directory: good lines
 * reach the target through COPY and the compiled SQL, bad lines become `parse` dead letters and `.failed/<file>`,
 * the file moves to `.processed/`; a file refused as a whole fails the run and writes nothing.
 */
describe('file sources', () => {
  let t: TestApp;
  let tenant: TenantContext;
  let token: string;
  let worker: WorkerService;
  let landing: string;
  let tenantDir: string;

  const sql = <T = Record<string, unknown>>(
    text: string,
    parameters: unknown[] = [],
  ) => queryRows<T>(t.db.dataSource, text, parameters);

  const request = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  async function createPipeline(name: string, ir: PipelineIr): Promise<string> {
    const created = await request('POST', '/api/v1/pipelines', {
      name,
      paused: true,
      ir,
    });
    expect(created.json()).toMatchObject({ name });
    return created.json<{ id: string }>().id;
  }

  async function runToEnd(pipelineId: string): Promise<RunDetail> {
    const response = await request(
      'POST',
      `/api/v1/pipelines/${pipelineId}/runs`,
    );
    expect(response.statusCode).toBe(202);
    const queued = response.json<RunDetail>();
    await worker.drain();
    const listed = await request(
      'GET',
      `/api/v1/pipelines/${pipelineId}/runs?limit=100`,
    );
    const run = listed
      .json<{ items: RunDetail[] }>()
      .items.find((candidate) => candidate.id === queued.id);
    if (!run) throw new Error(`run ${queued.id} not listed`);
    return run;
  }

  const fileNode = (path: string, extra: Partial<FileNode> = {}): FileNode => ({
    id: 'orders',
    type: 'file',
    path,
    format: 'csv',
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'amount', type: 'numeric' },
      { name: 'day', type: 'date' },
      { name: 'status', type: 'text' },
    ],
    key: ['id'],
    ...extra,
  });

  const pipelineOf = (node: FileNode, table: string): PipelineIr => ({
    version: 1,
    nodes: [
      node,
      { id: 'out', type: 'target', input: node.id, table, mode: 'append' },
    ],
  });

  const drop = async (path: string, content: string | Buffer) => {
    await mkdir(join(tenantDir, path, '..'), { recursive: true });
    await writeFile(join(tenantDir, path), content);
  };

  beforeAll(async () => {
    landing = await mkdtemp(join(tmpdir(), 'flow-landing-'));
    t = await createTestApp([PipelinesModule, TestRunsModule], {
      WORKER_ENABLED: 'false',
      FLOW_LANDING_DIR: landing,
    });
    tenant = await t.createTenant('acme');
    token = await t.tokenFor(tenant);
    worker = t.app.get(WorkerService);
    tenantDir = join(landing, 'acme');
    for (const table of ['csv_out', 'ndjson_out', 'rejected_out'])
      await sql(
        `CREATE TABLE tenant_acme.${table} (id integer, amount numeric, day date, status text)`,
      );
  });

  afterAll(async () => {
    await t.close();
    await rm(landing, { recursive: true, force: true });
  });

  it('writes the good lines of a csv, dead-letters the bad ones with file and line, and moves the file', async () => {
    const pipelineId = await createPipeline(
      'csv',
      pipelineOf(fileNode('orders/*.csv'), 'csv_out'),
    );
    const lines = [
      'id,amount,day,status',
      GOOD_LINES[0],
      BAD_LINES[0],
      GOOD_LINES[1],
      BAD_LINES[1],
      GOOD_LINES[2],
      BAD_LINES[2],
      GOOD_LINES[3],
      BAD_LINES[3],
      GOOD_LINES[4],
    ];
    await drop('orders/2026-12-01.csv', `${lines.join('\r\n')}\r\n`);
    await drop('orders/notes.txt', 'not matched');

    const run = await runToEnd(pipelineId);

    expect(run).toMatchObject({
      status: 'succeeded',
      rowsRead: 9,
      rowsWritten: 4,
      rowsRejected: 5,
      error: null,
    });
    expect(run.nodeMetrics?.['orders']).toMatchObject({ rows: 4, rejected: 5 });
    expect(
      await sql(
        `SELECT id, amount::text, day::text, status FROM tenant_acme.csv_out ORDER BY id`,
      ),
    ).toEqual(
      [
        { id: 1, amount: '10.50', day: '2026-12-01', status: 'paid' },
        { id: 2, amount: '7', day: '2026-12-01', status: 'open' },
        { id: 3, amount: '1,000.5', day: '2026-12-02', status: 'paid' },
        { id: 4, amount: '-3.25', day: '2026-12-02', status: 'say "hi"' },
        { id: 5, amount: '0', day: '2026-12-03', status: null },
      ].filter((row) => row.id !== 3),
    );
    const letters = await sql<LetterRow>(
      `SELECT kind, node_id, file, line::text, reason, row FROM dead_letters WHERE pipeline_id = $1 ORDER BY line`,
      [pipelineId],
    );
    expect(letters).toEqual([
      {
        kind: 'parse',
        node_id: 'orders',
        file: 'orders/2026-12-01.csv',
        line: '3',
        reason: 'column "id": "x7" is not an integer',
        row: { id: 'x7', amount: '1', day: '2026-12-01', status: 'paid' },
      },
      expect.objectContaining({
        line: '5',
        reason: 'column "day": "2026-02-30" is not a date (YYYY-MM-DD)',
      }),
      expect.objectContaining({
        line: '6',
        reason: 'column "amount": "1,000.5" is not a numeric',
      }),
      expect.objectContaining({
        line: '7',
        reason: 'expected 4 fields, found 3',
        row: { raw: BAD_LINES[2] },
      }),
      expect.objectContaining({
        line: '9',
        reason: 'column "amount": "abc" is not a numeric',
      }),
    ]);
    expect(existsSync(join(tenantDir, 'orders/2026-12-01.csv'))).toBe(false);
    expect(
      readFileSync(join(tenantDir, '.processed/orders/2026-12-01.csv'), 'utf8'),
    ).toBe(`${lines.join('\r\n')}\r\n`);
    expect(
      readFileSync(join(tenantDir, '.failed/orders/2026-12-01.csv'), 'utf8'),
    ).toBe(
      `${[BAD_LINES[0], BAD_LINES[1], GOOD_LINES[2], BAD_LINES[2], BAD_LINES[3]].join('\n')}\n`,
    );
    expect(existsSync(join(tenantDir, 'orders/notes.txt'))).toBe(true);
  });

  it('shows the file pattern as a source in lineage', async () => {
    const response = await request('GET', '/api/v1/lineage');
    const body = response.json<LineageResponse>();
    expect(body.nodes).toContainEqual({
      table: 'orders/*.csv',
      kind: 'file',
      role: 'source',
      exists: true,
      rowCount: null,
      lastWrittenAt: null,
    });
    expect(body.edges).toContainEqual(
      expect.objectContaining({ from: 'orders/*.csv', to: 'csv_out' }),
    );
  });

  it('loads ndjson, typed by the declared columns', async () => {
    const pipelineId = await createPipeline(
      'ndjson',
      pipelineOf(
        { ...fileNode('events/*.ndjson'), format: 'ndjson' },
        'ndjson_out',
      ),
    );
    await drop(
      'events/a.ndjson',
      [
        '{"id": 1, "amount": 2.5, "day": "2026-12-01", "status": "paid"}',
        '',
        '{"id": "2", "amount": "3", "day": "2026-12-02"}',
        '{"id": 3.5, "amount": 1, "day": "2026-12-02", "status": "x"}',
        '[1, 2]',
        '{"id": 4',
      ].join('\n'),
    );

    const run = await runToEnd(pipelineId);

    expect(run).toMatchObject({
      status: 'succeeded',
      rowsWritten: 2,
      rowsRejected: 3,
    });
    expect(
      await sql(
        `SELECT id, amount::text, day::text, status FROM tenant_acme.ndjson_out ORDER BY id`,
      ),
    ).toEqual([
      { id: 1, amount: '2.5', day: '2026-12-01', status: 'paid' },
      { id: 2, amount: '3', day: '2026-12-02', status: null },
    ]);
    expect(
      await sql(
        `SELECT line::text, reason FROM dead_letters WHERE pipeline_id = $1 ORDER BY line`,
        [pipelineId],
      ),
    ).toEqual([
      { line: '4', reason: 'column "id": "3.5" is not an integer' },
      { line: '5', reason: 'not a JSON object' },
      { line: '6', reason: expect.stringContaining('not a JSON value') },
    ]);
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'it is empty (0 bytes)'],
    [
      'a binary file',
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff]),
      'it is binary',
    ],
    [
      'a csv with a wrong header',
      `id,amount,when,status\n${GOOD_LINES[0]}\n`,
      'wrong header on line 1: expected "id,amount,day,status", found "id,amount,when,status"',
    ],
    [
      'a file that is not UTF-8',
      Buffer.from([0x69, 0x64, 0xc3, 0x28]),
      'not UTF-8',
    ],
  ])(
    'fails the run on %s, writes nothing and moves the file to .failed/',
    async (_name, content, message) => {
      const dir = `drop${Math.random().toString(36).slice(2, 8)}`;
      const pipelineId = await createPipeline(
        dir,
        pipelineOf(fileNode(`${dir}/*.csv`), 'rejected_out'),
      );
      // The good file is loaded first; the refused one after it must undo it.
      await drop(`${dir}/a.csv`, `id,amount,day,status\n${GOOD_LINES[0]}\n`);
      await drop(`${dir}/b.csv`, content);

      const run = await runToEnd(pipelineId);

      expect(run.status).toBe('failed');
      expect(run.error).toContain(`file ${dir}/b.csv rejected: `);
      expect(run.error).toContain(message);
      expect(run.error).toContain('nothing was written');
      expect(await sql(`SELECT * FROM tenant_acme.rejected_out`)).toEqual([]);
      expect(
        await sql(`SELECT id FROM dead_letters WHERE pipeline_id = $1`, [
          pipelineId,
        ]),
      ).toEqual([]);
      expect(existsSync(join(tenantDir, `.failed/${dir}/b.csv`))).toBe(true);
      expect(existsSync(join(tenantDir, `${dir}/b.csv`))).toBe(false);
      expect(existsSync(join(tenantDir, `${dir}/a.csv`))).toBe(true);
    },
  );

  it.each([
    ['/etc/*.csv', 'not an absolute path'],
    ['../other/*.csv', 'must not contain ".."'],
    ['.processed/*.csv', 'must not name hidden'],
  ])(
    'refuses the pattern %s with a 400 naming the field',
    async (path, message) => {
      const response = await request('POST', '/api/v1/pipelines', {
        name: `bad-${path.length}`,
        ir: pipelineOf(fileNode(path), 'csv_out'),
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().details).toEqual([
        { path: 'ir.nodes[0].path', message: expect.stringContaining(message) },
      ]);
    },
  );

  it('refuses an unknown format and a column type that does not parse', async () => {
    const response = await request('POST', '/api/v1/pipelines', {
      name: 'bad-format',
      ir: pipelineOf(
        {
          ...fileNode('x/*.csv'),
          format: 'xml' as 'csv',
          columns: [{ name: 'id', type: 'int4' as 'integer' }],
        },
        'csv_out',
      ),
    });
    expect(response.statusCode).toBe(400);
    const body = JSON.stringify(response.json());
    expect(body).toContain('ir.nodes[0].format');
    expect(body).toContain('ir.nodes[0].columns[0].type');
  });
});
