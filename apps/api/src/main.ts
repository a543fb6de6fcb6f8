import 'reflect-metadata';

import { runCli } from './cli/commands';

runCli(process.argv.slice(2), process.env).then(
  (code) => {
    // `serve` keeps running (the HTTP server holds the event loop); one-shot commands exit with their code.
    if (code !== 0 || (process.argv[2] ?? 'serve') !== 'serve')
      process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
