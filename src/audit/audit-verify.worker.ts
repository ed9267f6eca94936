/**
 * A worker thread of `candor audit verify` (see verifyChainFast): on a reader of its own, walks
 * stretches of the chain, taking the next one as it finishes one, and posts each result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openAuditChainReader } from './audit-chain.reader.js';
import { takeTask, verifySegment, type VerifyWorkerSetup } from './audit.verify.js';

const setup = workerData as VerifyWorkerSetup;
const watch = new Set(setup.watch);
const reader = await openAuditChainReader(setup.database, { snapshot: setup.snapshot });
try {
  for (let index = takeTask(setup.tasks); index !== null; index = takeTask(setup.tasks)) {
    parentPort!.postMessage({ index, result: await verifySegment(reader, setup.segments[index]!, { fromGenesis: index === 0, watch }) });
  }
} finally {
  await reader.close();
}
parentPort!.postMessage('done');
