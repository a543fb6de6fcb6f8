import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Streaming consumers (DESIGN §16): `stream_offsets` holds each (pipeline, partition)'s committed JetStream
 * sequence, written in the same transaction as the batch's rows. Dead letters of a stream batch belong to no run:
 * `run_id` becomes optional and a message's place is its `partition` and `seq`.
 */
export class StreamOffsets1796216000000 implements MigrationInterface {
  name = 'StreamOffsets1796216000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stream_offsets (
        pipeline_id  uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        partition    integer NOT NULL CHECK (partition >= 0),
        seq          bigint NOT NULL CHECK (seq >= 0),
        committed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (pipeline_id, partition)
      )`);
    await queryRunner.query(`
      ALTER TABLE dead_letters
        ALTER COLUMN run_id DROP NOT NULL,
        ADD COLUMN partition integer,
        ADD COLUMN seq bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM dead_letters WHERE run_id IS NULL`);
    await queryRunner.query(`
      ALTER TABLE dead_letters
        DROP COLUMN seq,
        DROP COLUMN partition,
        ALTER COLUMN run_id SET NOT NULL`);
    await queryRunner.query(`DROP TABLE stream_offsets`);
  }
}
