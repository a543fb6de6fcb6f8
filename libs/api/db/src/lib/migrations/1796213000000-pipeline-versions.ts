import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * IR versions (DESIGN §13): `pipelines.version` starts at 1 and grows by one on every IR change; each version's IR is
 * kept in `pipeline_versions` with who (the JWT `sub`) and when. Existing pipelines get version 1 from their current
 * IR (author unknown). Runs record the IR version they executed (`ir_version`; NULL for runs from before).
 */
export class PipelineVersions1796213000000 implements MigrationInterface {
  name = 'PipelineVersions1796213000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE pipelines ADD COLUMN version integer NOT NULL DEFAULT 1 CONSTRAINT pipelines_version_check CHECK (version >= 1)`,
    );
    // The primary key is also the versions list's index (newest first: a backward scan).
    await queryRunner.query(`
      CREATE TABLE pipeline_versions (
        pipeline_id uuid NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
        version integer NOT NULL,
        ir jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by text,
        PRIMARY KEY (pipeline_id, version)
      )`);
    await queryRunner.query(`
      INSERT INTO pipeline_versions (pipeline_id, version, ir, created_at, created_by)
      SELECT id, version, ir, updated_at, NULL FROM pipelines`);
    // Every pipeline has its first version, whoever inserts it (the api, seeds, a benchmark): like the state row, a
    // statement-level trigger adds the missing ones; an insert that writes version 1 itself (with its author) wins.
    await queryRunner.query(`
      CREATE FUNCTION pipeline_versions_for_new_pipelines() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        INSERT INTO pipeline_versions (pipeline_id, version, ir, created_at)
        SELECT id, version, ir, created_at FROM new_pipelines
        ON CONFLICT (pipeline_id, version) DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER pipelines_first_version AFTER INSERT ON pipelines
      REFERENCING NEW TABLE AS new_pipelines FOR EACH STATEMENT
      EXECUTE FUNCTION pipeline_versions_for_new_pipelines()`);
    await queryRunner.query(
      `ALTER TABLE pipeline_runs ADD COLUMN ir_version integer`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE pipeline_runs DROP COLUMN ir_version`);
    await queryRunner.query(
      `DROP TRIGGER pipelines_first_version ON pipelines`,
    );
    await queryRunner.query(
      `DROP FUNCTION pipeline_versions_for_new_pipelines()`,
    );
    await queryRunner.query(`DROP TABLE pipeline_versions`);
    await queryRunner.query(`ALTER TABLE pipelines DROP COLUMN version`);
  }
}
