// `npm run runner -- …` serves HQ; `npm run runner -- gc` removes leftover clones. Each loads
// only what it uses: gc needs neither HQ nor the executors; --version only the package.
const argv = process.argv.slice(2);
const command =
  argv[0] === '--version'
    ? import('./version').then(({ RUNNER_VERSION }) => {
        process.stdout.write(`${RUNNER_VERSION}\n`);
        return 0;
      })
    : argv[0] === 'gc'
      ? import('./clones/gc-command').then(({ gc }) => gc(argv.slice(1)))
      : import('./serve').then(({ serve }) => serve(argv));

command.then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `runner failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);
