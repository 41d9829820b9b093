import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import { Cassette } from './cassette.js';
import type { ModelProvider, ModelRequest, ModelResponse } from './provider.js';

type CassetteTurn = Cassette['turns'][number];

/**
 * Passes every request to another provider and writes each turn it returns to a cassette, so the scripted
 * provider can replay the run without the network. The file is rewritten whole after every turn, so a run that
 * stops halfway still leaves a valid cassette of the turns it had.
 */
export class RecordingProvider implements ModelProvider {
  readonly name: string;
  readonly seek?: (turnsPlayed: number) => void;
  readonly restore?: (history: Array<{ request: ModelRequest; response: ModelResponse }>) => void;
  private turns: CassetteTurn[] = [];
  private task: string | undefined;

  constructor(
    private readonly inner: ModelProvider,
    private readonly file: string,
  ) {
    this.name = inner.name;
    if (inner.seek !== undefined) this.seek = (n) => inner.seek!(n);
    if (inner.restore !== undefined) {
      this.restore = (history) => {
        // A resumed run's cassette holds the turns bought before the stop too, so it replays from the start.
        this.turns = history.map(({ request, response }) => cassetteTurn(request, response));
        this.task = history[0]?.request.task;
        inner.restore?.(history);
      };
    }
  }

  async next(request: ModelRequest): Promise<ModelResponse> {
    const response = await this.inner.next(request);
    this.task ??= request.task;
    this.turns.push(cassetteTurn(request, response));
    await this.write();
    return response;
  }

  private async write(): Promise<void> {
    const cassette = Cassette.parse({
      version: 1,
      name: basename(this.file, extname(this.file)),
      description: `Recorded from ${this.inner.name} by agentctl --record.`,
      ...(this.task === undefined ? {} : { task: this.task }),
      turns: this.turns,
    });
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(cassette, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}

function cassetteTurn(request: ModelRequest, response: ModelResponse): CassetteTurn {
  const { turn, usage } = response;
  return {
    expect: request.phase,
    ...(turn.text === undefined ? {} : { text: turn.text }),
    calls: turn.calls,
    // Replaying the same usage makes the replayed run hit the same token budgets.
    usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
  };
}

/** What `--record <file>` does: the model unchanged when no file is given, else a recording wrapper around it. */
export function withRecording(model: ModelProvider, file: string | undefined): ModelProvider {
  return file === undefined ? model : new RecordingProvider(model, file);
}
