export default async function globalTeardown() {
  const server = globalThis.__FLOW_TEST_POSTGRES__;
  if (server) {
    delete process.env.TEST_DATABASE_URL;
    await server.stop();
  }
}
