// Entry point for running the command line from source (tests, development): `node --import tsx src/cli/entry.ts`.
import { main } from './main.js';

process.exitCode = await main(process.argv);
