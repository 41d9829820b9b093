import { closeSync, constants, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Socket } from 'node:net';
import { execa } from 'execa';
import { SandboxError } from '../src/errors.js';

/** The fd a command inherits the report pipe on. */
export const REPORT_FD = 3;

/** Where a runner's reporter writes its report: the inherited pipe, not a file anyone can find and append to. */
export const REPORT_PATH = `/dev/fd/${REPORT_FD}`;

/** The reading end stays in agentctl; the command gets `writeFd` as its fd 3. */
export interface ReportPipe {
  writeFd: number;
  /** Closes agentctl's copy of the writing end once the command has it. */
  handedOver(): void;
  /** The exact bytes written, once every writer closed the pipe or `stop` was called. */
  bytes: Promise<Buffer>;
  /** Stops reading (a stray process still holds the pipe); keeps what arrived. */
  stop(): void;
  truncated(): boolean;
}

/**
 * A FIFO created in a private directory (never mounted in the sandbox) and unlinked at
 * once, so the pipe has no name: the only way to write it is the inherited fd.
 */
export async function openReportPipe(privateDir: string, cap: number): Promise<ReportPipe> {
  const path = join(privateDir, 'report.fifo');
  const made = await execa('mkfifo', ['-m', '600', path], { reject: false });
  if (made.exitCode !== 0)
    throw new SandboxError(`cannot create the report pipe: ${made.stderr || made.message}`);
  // Opening the reading end first without blocking lets the writing end open at once.
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY);
  unlinkSync(path);
  const socket = new Socket({ fd: readFd, readable: true, writable: false });
  const chunks: Buffer[] = [];
  let kept = 0;
  let over = false;
  let writeOpen = true;
  const bytes = new Promise<Buffer>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      if (kept + chunk.length > cap) over = true;
      const part = chunk.subarray(0, Math.max(0, cap - kept));
      chunks.push(part);
      kept += part.length;
    });
    const done = () => resolve(Buffer.concat(chunks));
    socket.once('end', done);
    socket.once('close', done);
    socket.once('error', done);
  });
  const handedOver = () => {
    if (!writeOpen) return;
    writeOpen = false;
    closeSync(writeFd);
  };
  return {
    writeFd,
    handedOver,
    bytes,
    stop: () => {
      handedOver();
      socket.destroy();
    },
    truncated: () => over,
  };
}
