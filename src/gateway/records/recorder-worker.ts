import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { recordLine, type AccessRecord } from './access-record.js';
import type { RecorderCommand, RecorderDestination } from './sink.js';

/**
 * The access records' writer, a thread of its own: the data plane hands it
 * batches of records and never waits for it; it formats them as NDJSON and
 * writes them to a file (reopened on request, for log rotation) or to stdout.
 */
const port = parentPort;
if (!port) throw new Error('the recorder runs in a worker thread');
const destination = (workerData as { destination: RecorderDestination }).destination;
let fd = open();

function open(): number {
  return destination === 'stdout' ? 1 : openSync(destination.file, 'a', 0o640);
}

port.on('message', (command: RecorderCommand) => {
  switch (command.kind) {
    case 'records': {
      let text = '';
      for (const record of command.records as AccessRecord[]) text += recordLine(record);
      writeAll(text);
      port.postMessage(command.records.length);
      break;
    }
    case 'reopen':
      if (destination !== 'stdout') {
        closeSync(fd);
        fd = open();
      }
      break;
    case 'close':
      if (destination !== 'stdout') closeSync(fd);
      port.close();
      break;
  }
});

function writeAll(text: string): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}
